// DOM helpers. Every piece of data reaches the page as a text node or an attribute value set through the DOM,
// never as markup, so a customer name or a note cannot inject anything (the page never uses innerHTML).

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Appends children: nodes as they are, strings and numbers as text, arrays flattened, null/false skipped. */
const append = (parent, children) => {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
};

/** Applies props: `class`, `text`, `dataset`, `on<Event>` listeners, everything else as an attribute. */
const applyProps = (element, props) => {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') element.setAttribute('class', value);
    else if (key === 'text') element.textContent = String(value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else element.setAttribute(key, value === true ? '' : String(value));
  }
  return element;
};

/** An HTML element: h('td', { class: 'x' }, 'text', otherNode). */
export const h = (tag, props, ...children) =>
  append(applyProps(document.createElement(tag), props), children);

/** An SVG element, for the charts. */
export const svg = (tag, props, ...children) =>
  append(applyProps(document.createElementNS(SVG_NS, tag), props), children);

/** Replaces an element's content. */
export const fill = (element, ...children) => {
  element.replaceChildren();
  return append(element, children);
};

export const byId = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
};

/**
 * Makes `parent`'s children the elements of `items`, in order, keeping (not re-creating) the element of every key
 * still there, so what an operator is typing in one survives a live refresh. `render` makes a missing one.
 */
export const reconcile = (parent, items, keyOf, render) => {
  const existing = new Map([...parent.children].map((child) => [child.dataset.key, child]));
  let cursor = parent.firstElementChild;
  for (const item of items) {
    const key = keyOf(item);
    let element = existing.get(key);
    existing.delete(key);
    if (!element) {
      element = render(item);
      element.dataset.key = key;
    }
    if (element === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(element, cursor);
  }
  for (const stale of existing.values()) stale.remove();
};
