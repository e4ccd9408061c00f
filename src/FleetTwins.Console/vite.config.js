import { defineConfig } from 'vite';

// Built into dist/, which the host's build copies next to its binaries; served at /console/ (Hosting/ConsoleHosting.cs).
export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` against a host on its default port.
    proxy: { '/api': 'http://127.0.0.1:5080', '/metrics': 'http://127.0.0.1:5080' },
  },
});
