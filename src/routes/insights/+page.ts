// Charts, tables and links, all drawn on the server: the page sends no JavaScript at all.
export const csr = false;
