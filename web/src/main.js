// The entry: Vue, the router and the messages; no view and no Element Plus
// component is imported here (they come with the lazy route that uses them,
// see vite.config.js), so the public portal loads only what it shows.
import { createApp } from 'vue'
// the CSS variables every component's style reads, and the services' styles
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import './styles.css'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n.js'
import { applyTextSize } from './textsize.js'

applyTextSize()
createApp(App).use(i18n).use(router).mount('#app')
