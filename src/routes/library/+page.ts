// The library is a search form, links and results: it needs no JavaScript in the browser, so
// leaders get plain server-rendered HTML (half the bytes, nothing to hydrate).
export const csr = false;
