import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ precompress: true }),
		// Routes are resolved on the server, so phones do not download the map of every page.
		router: { resolution: 'server' },
		// A strict CSP backs up the server-side sanitising of user markdown.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Svelte transitions and the QR code set inline styles.
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'connect-src': ['self'],
				'font-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				// Nobody frames the app, but the screen may be framed by its own panel (hooks.server.ts).
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
