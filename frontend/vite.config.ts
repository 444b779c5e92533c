import { writeFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vitest/config';

const dist = fileURLToPath(new URL('./dist', import.meta.url));

// Vite empties dist/ on every build; dist/.gitkeep is committed so that
// `//go:embed all:dist` (frontend/embed.go) compiles on a clean clone.
function keepGitkeep(): Plugin {
  return {
    name: 'briefstudio-keep-gitkeep',
    apply: 'build',
    closeBundle() {
      writeFileSync(`${dist}/.gitkeep`, '');
    },
  };
}

export default defineConfig({
  plugins: [svelte(), keepGitkeep()],
  resolve: {
    alias: {
      $lib: fileURLToPath(new URL('./src/lib', import.meta.url)),
      $components: fileURLToPath(new URL('./src/lib/components', import.meta.url)),
    },
  },
  build: {
    outDir: dist,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small app: keep the output to a handful of files.
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev` against a local `briefstudio serve`.
    proxy: {
      '/api': { target: 'http://127.0.0.1:8737', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
