export const strings = {
  vi: { title: 'Đăng nhập', username: 'Tên đăng nhập', password: 'Mật khẩu', submit: 'Đăng nhập', intro: 'Hệ thống truyền thanh thông minh của xã' },
  en: { title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in', intro: 'The commune\'s smart public-address system' }
}

export async function render (root, ctx) {
  const { h, t } = ctx
  const form = h('form', { class: 'card narrow', autocomplete: 'on' },
    h('h1', {}, t('title')),
    h('p', { class: 'muted' }, t('intro')),
    h('label', {}, t('username'), h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' })),
    h('label', {}, t('password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { class: 'primary', type: 'submit' }, t('submit')))
  form.addEventListener('submit', async e => {
    e.preventDefault()
    const data = new FormData(form)
    try {
      await ctx.api('POST', '/auth/login', { username: data.get('username'), password: data.get('password') })
      await ctx.signedIn()
    } catch (err) { ctx.fail(err) }
  })
  root.append(form)
}
