import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// PGlite ships its own wasm and data files; pre-bundling them breaks their URLs.
	optimizeDeps: { exclude: ['@electric-sql/pglite'] },
	ssr: { external: ['@electric-sql/pglite'] },
	test: {
		include: ['src/**/*.spec.ts', 'tests/**/*.test.ts'],
		globalSetup: ['tests/setup/global.ts'],
		reporters: ['default', './tests/setup/closing-line.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		pool: 'forks',
		maxWorkers: 2
	}
});
