import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The dashboard. `vite build` writes frontend/dist, which the backend serves in embedded mode (index.html for every
 * non-API path). `vite` (npm run dev) proxies the API and the live socket to a platform on port 3000
 * (PKS_DEV_BACKEND to change).
 */
const backend = process.env.PKS_DEV_BACKEND ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true },
    },
  },
});
