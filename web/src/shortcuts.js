// The staff app's keyboard shortcuts, one listener on the document:
//   Alt+N        a new complaint (the intake workbench, its first field)
//   /            the header's search box
//   Ctrl+Enter   submit: the open dialog's primary button, else the primary
//                button of the form holding the focus (the workbench handles
//                its own Ctrl+Enter, the read-back, and marks it handled)
//   ?            the list of shortcuts
// Esc closes dialogs by itself (Element Plus). '/' and '?' are ordinary
// characters while one types in a field, so they act only outside fields.
const typing = (el) => !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))

/** The topmost open dialog (Element Plus renders each in its own overlay). */
function openDialog() {
  const all = [...document.querySelectorAll('.el-overlay:not([style*="display: none"]) .el-dialog, .el-message-box')]
  return all.filter((d) => d.offsetParent !== null || d.getClientRects().length).pop() || null
}

function submitIn(root) {
  const btn = root.querySelector('.el-dialog__footer .el-button--primary:not(.is-disabled), .el-message-box__btns .el-button--primary')
    || root.querySelector('button[type=submit]:not(.is-disabled), .el-button--primary:not(.is-disabled)')
  if (!btn) return false
  btn.click()
  return true
}

/**
 * Installs the listener; returns the function that removes it.
 * actions: { newComplaint(), search(), help() } — each may be absent.
 */
export function installShortcuts(actions) {
  const onKey = (e) => {
    if (e.defaultPrevented || e.isComposing) return
    const target = e.target
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey) {
      const dlg = openDialog()
      const form = dlg || target?.closest?.('form')
      if (form && submitIn(form)) e.preventDefault()
      return
    }
    if (e.altKey && !e.ctrlKey && !e.metaKey && (e.code === 'KeyN' || e.key === 'n' || e.key === 'N')) {
      if (!actions.newComplaint || openDialog()) return
      e.preventDefault()
      actions.newComplaint()
      return
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(target) || openDialog()) return
    if (e.key === '/' && actions.search) {
      e.preventDefault()
      actions.search()
    } else if (e.key === '?' && actions.help) {
      e.preventDefault()
      actions.help()
    }
  }
  document.addEventListener('keydown', onKey)
  return () => document.removeEventListener('keydown', onKey)
}
