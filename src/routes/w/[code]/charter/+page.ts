// A document to read and print: no JavaScript needed.
export const csr = false;
