// How a customer email looks: one layout for every notice, rendered twice from the same content, as HTML for mail
// clients and as plain text for the others, so both parts always say the same. The content is plain text
// throughout; this module escapes every piece of it on its way into HTML, so a name, an address or a SKU can never
// become markup. Mail clients strip stylesheets and block remote content: the HTML is a table layout with inline
// styles, and nothing in it is fetched from elsewhere.
import { escapeHtml } from './format';

export interface EmailFact {
  label: string;
  value: string;
}

/** A link the customer may follow: a button in HTML, `label: url` in text. */
export interface EmailLink {
  label: string;
  url: string;
}

export interface EmailItemLine {
  name: string;
  sku: string;
  quantity: number;
  /** Formatted money. */
  unitPrice: string;
  lineTotal: string;
}

export interface EmailOrderSummary {
  heading: string;
  items: EmailItemLine[];
  /** Subtotal, shipping, tax and total, formatted; the last one stands out. */
  totals: EmailFact[];
  /** The shipping address, one line each (the recipient first). */
  shippingAddress: string[];
}

export interface EmailStore {
  name: string;
  supportEmail: string;
  supportUrl?: string | undefined;
}

export interface EmailContent {
  subject: string;
  /** The line inbox lists show after the subject (hidden in the message itself). */
  preheader: string;
  greeting: string;
  paragraphs: string[];
  /** Key facts of this notice (tracking number, dates, amounts), as a short table. */
  facts: EmailFact[];
  links: EmailLink[];
  summary: EmailOrderSummary;
  /** Policies worth a reminder (returns). */
  notes: string[];
  store: EmailStore;
}

export interface RenderedEmail {
  html: string;
  text: string;
}

/**
 * Only web links become links: a URL from a provider that is anything else (a `javascript:` URL, a typo) is left
 * out of both parts rather than put into an `href`.
 */
const isWebUrl = (url: string): boolean => /^https?:\/\/[^\s"'<>]+$/i.test(url);

export const renderEmail = (content: EmailContent): RenderedEmail => {
  const { supportUrl } = content.store;
  const checked: EmailContent = {
    ...content,
    links: content.links.filter((link) => isWebUrl(link.url)),
    store: { ...content.store, supportUrl: supportUrl && isWebUrl(supportUrl) ? supportUrl : undefined },
  };
  return { html: renderHtml(checked), text: renderText(checked) };
};

// ---- Plain text ---------------------------------------------------------------------------------------------

const textFacts = (facts: EmailFact[]): string[] => facts.map((fact) => `${fact.label}: ${fact.value}`);

const textItem = (item: EmailItemLine): string =>
  `${item.quantity} × ${item.name} (${item.sku}), ${item.unitPrice} each: ${item.lineTotal}`;

const textSupport = (store: EmailStore): string =>
  `Questions? Write to ${store.supportEmail}` +
  (store.supportUrl ? ` or visit ${store.supportUrl}` : '') +
  '.';

const renderText = (content: EmailContent): string => {
  const { summary } = content;
  const blocks: string[][] = [
    [content.store.name],
    [content.greeting],
    ...content.paragraphs.map((paragraph) => [paragraph]),
    textFacts(content.facts),
    content.links.map((link) => `${link.label}: ${link.url}`),
    [
      summary.heading,
      ...summary.items.map((item) => `  ${textItem(item)}`),
      ...textFacts(summary.totals).map((line) => `  ${line}`),
    ],
    ['Shipping to:', ...summary.shippingAddress.map((line) => `  ${line}`)],
    ...content.notes.map((note) => [note]),
    [textSupport(content.store), content.store.name],
  ];
  return `${blocks
    .filter((block) => block.length > 0)
    .map((block) => block.join('\n'))
    .join('\n\n')}\n`;
};

// ---- HTML ---------------------------------------------------------------------------------------------------

const e = escapeHtml;
const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const SIZE = 'font-size:15px;line-height:22px;';
const TEXT = `${FONT}${SIZE}color:#27272a;`;
const LABEL = `${FONT}${SIZE}color:#71717a;`;
const MUTED = `${FONT}font-size:13px;line-height:19px;color:#71717a;`;
const EMPHASIS = `${FONT}font-size:17px;line-height:24px;color:#18181b;font-weight:bold;`;
const CELL = 'padding:6px 0;border-bottom:1px solid #e4e4e7;';
const BUTTON =
  `${FONT}display:inline-block;padding:10px 18px;margin:0 8px 8px 0;background-color:#1d4ed8;` +
  'color:#ffffff;font-size:15px;font-weight:bold;text-decoration:none;border-radius:4px;';

/** A full-width row of the message's main table. */
const row = (inner: string, padding = '0 32px 16px'): string =>
  `<tr><td style="padding:${padding};">${inner}</td></tr>`;

const table = (rows: string): string =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows}</table>`;

const htmlFacts = (facts: EmailFact[]): string =>
  facts.length === 0
    ? ''
    : row(
        table(
          facts
            .map(
              (fact) =>
                `<tr><td style="${LABEL}${CELL}">${e(fact.label)}</td>` +
                `<td style="${TEXT}${CELL}text-align:right;font-weight:bold;">${e(fact.value)}</td></tr>`,
            )
            .join(''),
        ),
      );

const htmlLinks = (links: EmailLink[]): string =>
  links.length === 0
    ? ''
    : row(links.map((link) => `<a href="${e(link.url)}" style="${BUTTON}">${e(link.label)}</a>`).join(''));

const htmlItem = (item: EmailItemLine): string =>
  `<tr><td style="${TEXT}${CELL}">${e(item.name)}<br><span style="${MUTED}">${e(item.sku)}</span></td>` +
  `<td style="${TEXT}${CELL}text-align:center;">${item.quantity}</td>` +
  `<td style="${TEXT}${CELL}text-align:right;">${e(item.unitPrice)}</td>` +
  `<td style="${TEXT}${CELL}text-align:right;">${e(item.lineTotal)}</td></tr>`;

const htmlTotal = (fact: EmailFact, last: boolean): string => {
  const style = `${last ? EMPHASIS : TEXT}padding:4px 0;text-align:right;`;
  return (
    `<tr><td colspan="3" style="${style}">${e(fact.label)}</td>` +
    `<td style="${style}">${e(fact.value)}</td></tr>`
  );
};

const htmlSummary = (summary: EmailOrderSummary): string => {
  const heading = (text: string, align = 'left') =>
    `<th align="${align}" style="${MUTED}padding:6px 0;border-bottom:2px solid #d4d4d8;">${e(text)}</th>`;
  return row(
    `<h2 style="${FONT}font-size:18px;line-height:24px;margin:8px 0 8px;color:#18181b;">${e(summary.heading)}</h2>` +
      table(
        `<tr>${heading('Item')}${heading('Qty', 'center')}${heading('Price', 'right')}${heading('Total', 'right')}</tr>` +
          summary.items.map(htmlItem).join('') +
          summary.totals.map((fact, i) => htmlTotal(fact, i === summary.totals.length - 1)).join(''),
      ),
  );
};

const htmlAddress = (lines: string[]): string =>
  row(
    `<h2 style="${FONT}font-size:16px;line-height:22px;margin:8px 0 4px;color:#18181b;">Shipping to</h2>` +
      `<p style="${TEXT}margin:0;">${lines.map(e).join('<br>')}</p>`,
  );

const htmlParagraph = (text: string): string => `<p style="${TEXT}margin:0 0 12px;">${e(text)}</p>`;

const htmlFooter = (store: EmailStore): string => {
  const url = store.supportUrl;
  const visit = url ? ` or visit <a href="${e(url)}" style="color:#1d4ed8;">${e(url)}</a>` : '';
  return row(
    `<p style="${MUTED}margin:0;">Questions? Write to <a href="mailto:${e(store.supportEmail)}" ` +
      `style="color:#1d4ed8;">${e(store.supportEmail)}</a>${visit}.<br>${e(store.name)}</p>`,
    '16px 32px 24px',
  );
};

const renderHtml = (content: EmailContent): string => {
  const body = [
    row(
      `<div style="${FONT}font-size:20px;font-weight:bold;color:#18181b;">${e(content.store.name)}</div>`,
      '24px 32px 16px',
    ),
    row(htmlParagraph(content.greeting) + content.paragraphs.map(htmlParagraph).join(''), '0 32px 4px'),
    htmlFacts(content.facts),
    htmlLinks(content.links),
    htmlSummary(content.summary),
    htmlAddress(content.summary.shippingAddress),
    content.notes.length > 0 ? row(content.notes.map(htmlParagraph).join('')) : '',
    htmlFooter(content.store),
  ].join('\n');
  // The outer table paints the background (clients drop <body> styles); the inner one keeps lines readable.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(content.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<div style="display:none;max-height:0;overflow:hidden;">${e(content.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #e4e4e7;">
${body}
</table>
</td></tr>
</table>
</body>
</html>
`;
};
