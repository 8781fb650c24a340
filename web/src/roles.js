import { auth } from './api.js'

export function hasRole(...roles) {
  const mine = auth.user?.roles || []
  return roles.some((r) => mine.includes(r))
}

/** The screen a user lands on after signing in. */
export function homeFor(user) {
  const roles = user?.roles || []
  if (roles.includes('supervisor') || roles.includes('manager')) return '/board'
  if (roles.includes('agent')) return '/workbench'
  if (roles.includes('admin')) return '/admin/units'
  if (roles.includes('handler')) return '/mine'
  return '/complaints'
}
