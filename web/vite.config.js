import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The API server during development (`npm run dev`): REDRESS_URL or the
// private port used while the UI is built against a local demo server.
const target = process.env.REDRESS_URL || 'http://127.0.0.1:8093'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  define: {
    // vue-i18n: no runtime message compilation via eval (strict CSP)
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target, changeOrigin: false },
      '/metrics': { target },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
})
