import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The API server during development (`npm run dev`): REDRESS_URL or the
// private port used while the UI is built against a local demo server.
const target = process.env.REDRESS_URL || 'http://127.0.0.1:8093'

// Element Plus is imported on demand: each <el-…> tag (and v-loading) in a
// template brings only its component and that component's CSS into the chunk
// of the view that uses it, so the public portal does not carry the tables,
// trees and date ranges of the staff views. The services (ElMessage,
// ElMessageBox) are imported by name where used; their CSS is in main.js.
export default defineConfig({
  plugins: [
    vue(),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css', directives: true })],
      dts: false,
      // only the app's own components are registered by hand; nothing is globbed
      dirs: [],
    }),
  ],
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
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        // ECharts only with the reports and the board; everything else is
        // split by the lazy routes, so a page loads the components it uses.
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
        },
      },
    },
  },
})
