/**
 * Vietnamese first, English by a switch (kept in localStorage). Each page brings its own strings as
 * { vi: {...}, en: {...} } and asks t(strings, key, params); the strings every page shares are here.
 * `{name}` in a string is replaced by params.name.
 */
const KEY = 'loa.lang'
let current = localStorage.getItem(KEY) === 'en' ? 'en' : 'vi'
document.documentElement.lang = current

export function lang () { return current }

export function setLang (l) {
  current = l === 'en' ? 'en' : 'vi'
  localStorage.setItem(KEY, current)
  document.documentElement.lang = current
}

export const COMMON = {
  vi: {
    dashboard: 'Tổng quan', speakers: 'Cụm loa', zones: 'Khu vực', media: 'Thư viện', schedules: 'Lịch phát',
    broadcasts: 'Bản tin', reports: 'Báo cáo', users: 'Người dùng', audit: 'Nhật ký', live: 'Phát trực tiếp',
    emergency: 'Khẩn cấp', areas: 'Địa bàn', logout: 'Đăng xuất', switchLang: 'English', save: 'Lưu', cancel: 'Huỷ',
    delete: 'Xoá', edit: 'Sửa', create: 'Thêm', close: 'Đóng', loading: 'Đang tải…', online: 'Trực tuyến',
    offline: 'Mất kết nối', playing: 'Đang phát', none: 'Không có', confirmDelete: 'Xoá "{name}"?', saved: 'Đã lưu',
    liveOn: 'Cập nhật trực tiếp', liveOff: 'Mất cập nhật trực tiếp', name: 'Tên', actions: 'Thao tác', error: 'Lỗi',
    roleAdmin: 'Quản trị', roleOperator: 'Vận hành', roleApprover: 'Duyệt nội dung', roleViewer: 'Chỉ xem',
    days: 'T2,T3,T4,T5,T6,T7,CN', and: 'và', all: 'Tất cả'
  },
  en: {
    dashboard: 'Dashboard', speakers: 'Speakers', zones: 'Zones', media: 'Media', schedules: 'Schedules',
    broadcasts: 'Broadcasts', reports: 'Reports', users: 'Users', audit: 'Audit log', live: 'Live',
    emergency: 'Emergency', areas: 'Areas', logout: 'Sign out', switchLang: 'Tiếng Việt', save: 'Save', cancel: 'Cancel',
    delete: 'Delete', edit: 'Edit', create: 'Add', close: 'Close', loading: 'Loading…', online: 'Online',
    offline: 'Offline', playing: 'Playing', none: 'None', confirmDelete: 'Delete "{name}"?', saved: 'Saved',
    liveOn: 'Live updates on', liveOff: 'Live updates lost', name: 'Name', actions: 'Actions', error: 'Error',
    roleAdmin: 'Administrator', roleOperator: 'Operator', roleApprover: 'Approver', roleViewer: 'Viewer',
    days: 'Mon,Tue,Wed,Thu,Fri,Sat,Sun', and: 'and', all: 'All'
  }
}

export function t (strings, key, params = {}) {
  const s = strings[current]?.[key] ?? COMMON[current][key] ?? strings.vi?.[key] ?? COMMON.vi[key] ?? key
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ''))
}

/** A date-time in the controller's time zone, as people there read it: 29/11/2026 05:00. */
export function when (iso, timeZone) {
  if (iso === null || iso === undefined) return '—'
  return new Intl.DateTimeFormat(current === 'vi' ? 'vi-VN' : 'en-GB', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso))
}
