// The dashboard's calls: the Orderflow API with the operator key, and the local engine's own endpoints.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

const readJson = async (response) => {
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = body?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'HTTP_ERROR', error.message ?? response.statusText);
  }
  return body;
};

/** A query string from the entries whose value is set (arrays joined by commas, as the API reads them). */
export const queryString = (params) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) search.set(key, value.join(','));
    } else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** The local page's settings: the operator key, the storefronts and the local settings (local/dashboard/routes.ts). */
export const loadSettings = async () => readJson(await fetch('/_local/dashboard/settings'));

export const createApi = (opsKey) => {
  const call = async (method, path, body) =>
    readJson(
      await fetch(path, {
        method,
        headers: {
          'x-api-key': opsKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  return {
    kpis: ({ from, to }) => call('GET', `/kpis${queryString({ from, to })}`),
    /** One page of orders: `{orders, nextCursor}`. */
    orders: (filters, cursor) => call('GET', `/orders${queryString({ ...filters, cursor })}`),
    order: (orderId) => call('GET', `/orders/${encodeURIComponent(orderId)}`),
    review: (orderId, decision, note) =>
      call('POST', `/orders/${encodeURIComponent(orderId)}/review`, note ? { decision, note } : { decision }),
    /** The local engine's record of one execution, or null when it has none. */
    async execution(name) {
      const response = await fetch(`/_local/executions/${encodeURIComponent(name)}`);
      return response.status === 404 ? null : readJson(response);
    },
  };
};
