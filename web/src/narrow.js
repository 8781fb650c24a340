import { ref, onMounted, onBeforeUnmount } from 'vue'

/** True while the viewport is phone-sized (< 768 px). */
export function useNarrow(max = 767) {
  const mq = window.matchMedia(`(max-width: ${max}px)`)
  const narrow = ref(mq.matches)
  const on = (e) => { narrow.value = e.matches }
  onMounted(() => mq.addEventListener('change', on))
  onBeforeUnmount(() => mq.removeEventListener('change', on))
  return narrow
}
