import type { Permission } from './permissions.js'

/** What a permission lets one do, for the FORBIDDEN message, in both languages. */
const TEXT: Record<Permission, { en: string, vi: string }> = {
  'media.write': { en: 'add or change media', vi: 'thêm hoặc sửa tệp âm thanh' },
  'media.approve': { en: 'approve media', vi: 'duyệt tệp âm thanh' },
  'broadcast.start': { en: 'start or stop broadcasts', vi: 'phát hoặc dừng bản tin' },
  'schedule.write': { en: 'change schedules', vi: 'sửa lịch phát' },
  'relay.start': { en: 'relay an outside stream', vi: 'tiếp sóng luồng bên ngoài' },
  'emergency.start': { en: 'start an emergency broadcast', vi: 'phát cảnh báo khẩn cấp' },
  'node.volume': { en: 'change a speaker\'s volume', vi: 'chỉnh âm lượng cụm loa' },
  'fleet.manage': { en: 'manage zones and speakers', vi: 'quản lý khu vực và cụm loa' },
  'areas.manage': { en: 'manage areas', vi: 'quản lý địa bàn' },
  'users.manage': { en: 'manage users', vi: 'quản lý người dùng' },
  'audit.read': { en: 'read the audit log', vi: 'xem nhật ký thao tác' }
}

export function actionText (p: Permission): { en: string, vi: string } {
  return TEXT[p]
}
