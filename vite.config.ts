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
		// The app's JSON log stays out of the test report (servers started by tests log again).
		env: { LOG_LEVEL: 'silent' },
		reporters: ['default', './tests/setup/closing-line.ts'],
		// Waits are for events; their limits are generous so a busy machine is slow, never red.
		testTimeout: 120_000,
		hookTimeout: 300_000,
		expect: { poll: { timeout: 30_000, interval: 20 } },
		pool: 'forks',
		maxWorkers: 2
	}
});
