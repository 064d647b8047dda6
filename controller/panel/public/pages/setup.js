export const strings = {
  vi: {
    title: 'Tạo tài khoản quản trị đầu tiên', intro: 'Nhập mã cài đặt được in trong cửa sổ chạy bộ điều khiển khi khởi động lần đầu.',
    code: 'Mã cài đặt', username: 'Tên đăng nhập', displayName: 'Họ tên', password: 'Mật khẩu (ít nhất 10 ký tự)', submit: 'Tạo tài khoản'
  },
  en: {
    title: 'Create the first administrator', intro: 'Enter the setup code the controller printed in its window at its first start.',
    code: 'Setup code', username: 'Username', displayName: 'Full name', password: 'Password (10 characters or more)', submit: 'Create account'
  }
}

export async function render (root, ctx) {
  const { h, t } = ctx
  const form = h('form', { class: 'card narrow' },
    h('h1', {}, t('title')),
    h('p', { class: 'muted' }, t('intro')),
    h('label', {}, t('code'), h('input', { name: 'code', required: true, autocomplete: 'off', autocapitalize: 'characters', placeholder: 'ABCD-EFGH-JKLM-NPQR' })),
    h('label', {}, t('username'), h('input', { name: 'username', required: true, autocomplete: 'username', autocapitalize: 'none', pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{2,63}' })),
    h('label', {}, t('displayName'), h('input', { name: 'displayName', required: true })),
    h('label', {}, t('password'), h('input', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' })),
    h('button', { class: 'primary', type: 'submit' }, t('submit')))
  form.addEventListener('submit', async e => {
    e.preventDefault()
    const d = Object.fromEntries(new FormData(form))
    try {
      await ctx.api('POST', '/auth/setup', d)
      await ctx.signedIn()
    } catch (err) { ctx.fail(err) }
  })
  root.append(form)
}
