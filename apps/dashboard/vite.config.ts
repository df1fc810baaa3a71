import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Two pages: the dashboard (index.html) and the phone page (control.html, no charts or graph in its bundle).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Cytoscape alone is ~400 kB minified; the budget that matters is the gzipped total (report-bundle-size.ts).
    chunkSizeWarningLimit: 700,
    rollupOptions: { input: { main: 'index.html', control: 'control.html' } },
  },
  server: {
    port: 5173,
    // `npm run dev -w @archaics/dashboard`: the API comes from the dashboard server.
    proxy: { '/api': 'http://127.0.0.1:7000' },
  },
});
