import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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

// The service worker precaches exactly the files of this build (src/sw/sw-template.js).
function serviceWorker(): Plugin {
  return {
    name: 'briefstudio-service-worker',
    apply: 'build',
    enforce: 'post',
    generateBundle(_, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => f !== 'index.html' && !f.endsWith('.map'))
        .map((f) => `/${f}`)
        .sort();
      const precache = ['/index.html', '/favicon.svg', ...files];
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 12);
      const template = readFileSync(fileURLToPath(new URL('./src/sw/sw-template.js', import.meta.url)), 'utf8');
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: template.replace('__VERSION__', version).replace('__PRECACHE__', JSON.stringify(precache)),
      });
    },
  };
}

export default defineConfig({
  plugins: [svelte(), keepGitkeep(), serviceWorker()],
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
    // The editor chunk (CodeMirror with Markdown and its embedded HTML/CSS/JS
    // grammars) is ~650 kB; it loads only when a brief is opened.
    chunkSizeWarningLimit: 800,
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
