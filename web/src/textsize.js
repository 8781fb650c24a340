// The larger-text setting of the user menu: a scale on the root, kept in
// localStorage (this browser's choice, as the language is). styles.css
// turns the scale into Element Plus's font and control sizes and the root
// font size, so text and the controls holding it grow together.
import { ref } from 'vue'

const KEY = 'redress.textSize'
export const TEXT_SIZES = { normal: 1, large: 1.15, larger: 1.3 }
export const textSize = ref(TEXT_SIZES[localStorage.getItem(KEY)] ? localStorage.getItem(KEY) : 'normal')

export function applyTextSize() {
  const root = document.documentElement
  root.style.setProperty('--rd-text-scale', String(TEXT_SIZES[textSize.value]))
  root.dataset.textSize = textSize.value
}

export function setTextSize(size) {
  if (!TEXT_SIZES[size]) return
  textSize.value = size
  localStorage.setItem(KEY, size)
  applyTextSize()
}
