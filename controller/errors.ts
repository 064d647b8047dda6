/**
 * Every error the API returns, in one place: a code that is never reused, an HTTP status, and a message in
 * English and Vietnamese a clerk can act on. docs/errors.md lists every code; a test checks that it does.
 * Routes throw `apiError('CODE', details)`; the error handler turns it into
 * `{ statusCode, code, error, message, messageVi }`.
 */

type Template = (d: Record<string, string | number>) => string

interface ErrorDef { status: number, en: Template, vi: Template }

const def = (status: number, en: Template, vi: Template): ErrorDef => ({ status, en, vi })

export const ERRORS = {
  AUTH_REQUIRED: def(401,
    () => 'Sign in first: this request needs an API token (Authorization: Bearer ...).',
    () => 'Cần đăng nhập: yêu cầu này cần mã truy cập API.'),
  AUTH_INVALID: def(401,
    () => 'The API token is not valid.',
    () => 'Mã truy cập API không hợp lệ.'),
  VALIDATION_FAILED: def(400,
    d => `The request is not valid: ${d.detail}.`,
    d => `Yêu cầu không hợp lệ: ${d.detail}.`),
  ROUTE_NOT_FOUND: def(404,
    d => `There is no ${d.method} ${d.url} in this API.`,
    d => `Không có ${d.method} ${d.url} trong API này.`),
  ZONE_NOT_FOUND: def(404,
    d => `Zone ${d.id} does not exist.`,
    d => `Không tìm thấy khu vực ${d.id}.`),
  ZONE_NAME_TAKEN: def(409,
    d => `A zone named "${d.name}" already exists.`,
    d => `Đã có khu vực tên "${d.name}".`),
  ZONE_NOT_EMPTY: def(409,
    d => `Zone "${d.name}" still has ${d.count} speaker(s); move or delete them first.`,
    d => `Khu vực "${d.name}" vẫn còn ${d.count} cụm loa; hãy chuyển hoặc xoá chúng trước.`),
  NODE_NOT_FOUND: def(404,
    d => `Speaker node ${d.id} does not exist.`,
    d => `Không tìm thấy cụm loa ${d.id}.`),
  NODE_NAME_TAKEN: def(409,
    d => `A speaker node named "${d.name}" already exists.`,
    d => `Đã có cụm loa tên "${d.name}".`),
  MEDIA_NOT_FOUND: def(404,
    d => `Media ${d.id} does not exist.`,
    d => `Không tìm thấy tệp âm thanh ${d.id}.`),
  MEDIA_IN_USE: def(409,
    d => `Media ${d.id} is playing now (broadcast ${d.session}); stop the broadcast before deleting it.`,
    d => `Tệp âm thanh ${d.id} đang được phát (bản tin ${d.session}); hãy dừng phát trước khi xoá.`),
  MEDIA_FILE_MISSING: def(400,
    () => 'No audio file was attached: send it as the multipart field "file".',
    () => 'Chưa đính kèm tệp âm thanh (trường "file").'),
  AUDIO_NOT_DECODABLE: def(415,
    d => `This file is not audio that can be played: ${d.detail}`,
    () => 'Tệp này không phải là âm thanh phát được.'),
  AUDIO_EMPTY: def(400,
    d => `This file has no sound in it: ${d.detail}`,
    () => 'Tệp này không có âm thanh.'),
  AUDIO_TOO_LONG: def(413,
    d => `This recording is too long: ${d.detail}`,
    d => `Bản ghi quá dài: ${d.detail}`),
  AUDIO_TOO_LARGE: def(413,
    d => `This file is too large: ${d.detail}`,
    d => `Tệp quá lớn: ${d.detail}`),
  AUDIO_ENCODE_FAILED: def(500,
    d => `The audio could not be converted: ${d.detail}`,
    () => 'Không chuyển đổi được âm thanh.'),
  TTS_TEXT_EMPTY: def(400,
    d => `There is nothing to read out: ${d.detail}`,
    () => 'Chưa có nội dung để đọc: hãy nhập văn bản thông báo.'),
  TTS_TEXT_TOO_LONG: def(413,
    d => `The text is too long to read out: ${d.detail}`,
    d => `Văn bản quá dài: ${d.count} ký tự, tối đa ${d.max} ký tự. Hãy chia thành nhiều thông báo.`),
  TTS_VOICE_UNKNOWN: def(400,
    d => `Unknown voice: ${d.detail}`,
    d => `Không có giọng đọc "${d.voice}".`),
  TTS_ENGINE_MISSING: def(503,
    d => `Text-to-speech is not available on this controller: ${d.detail}`,
    () => 'Máy chủ chưa cài chương trình đọc văn bản: hãy cài gói Debian espeak-ng.'),
  TTS_ENGINE_FAILED: def(502,
    d => `Text-to-speech failed: ${d.detail}`,
    () => 'Dịch vụ đọc văn bản bị lỗi; chưa có gì được lưu. Hãy thử lại sau.'),
  TTS_ENGINE_TIMEOUT: def(504,
    d => `Text-to-speech took too long: ${d.detail}`,
    () => 'Dịch vụ đọc văn bản không trả lời kịp; chưa có gì được lưu. Hãy thử lại sau.'),
  BROADCAST_NOT_FOUND: def(404,
    d => `Broadcast ${d.id} does not exist.`,
    d => `Không tìm thấy bản tin ${d.id}.`),
  BROADCAST_NO_TARGETS: def(400,
    () => 'Choose at least one zone or speaker node that has speakers in it.',
    () => 'Hãy chọn ít nhất một khu vực hoặc cụm loa có loa.'),
  BROADCAST_ENDED: def(409,
    d => `Broadcast ${d.id} has already ended (${d.state}).`,
    d => `Bản tin ${d.id} đã kết thúc (${d.state}).`),
  SCHEDULE_NOT_FOUND: def(404,
    d => `Schedule ${d.id} does not exist.`,
    d => `Không tìm thấy lịch phát ${d.id}.`),
  SCHEDULE_INVALID: def(400,
    d => `The schedule is not valid: ${d.detail}`,
    d => `Lịch phát không hợp lệ: ${d.detail}`),
  QUIET_HOURS: def(422,
    d => `Quiet hours: ${d.detail} (to override, send quietOverride with a reason).`,
    d => `Lịch phát rơi vào giờ yên tĩnh (${d.quiet}), lần đầu lúc ${d.local}. Nếu vẫn cần phát, hãy ghi rõ lý do.`),
  MEDIA_USED_BY_SCHEDULE: def(409,
    d => `Media ${d.id} is in the playlist of schedule "${d.name}"; take it out of the schedule first.`,
    d => `Tệp âm thanh ${d.id} đang có trong lịch phát "${d.name}"; hãy bỏ ra khỏi lịch trước.`),
  REPORT_DATE_INVALID: def(400,
    d => `${d.field} "${d.value}" is not a date that exists (YYYY-MM-DD).`,
    d => `${d.field} "${d.value}" không phải là ngày có thật (YYYY-MM-DD).`),
  REPORT_RANGE_REVERSED: def(400,
    d => `The report ends (to ${d.to}) before it starts (from ${d.from}); swap the two dates.`,
    d => `Ngày kết thúc (${d.to}) trước ngày bắt đầu (${d.from}); hãy đổi lại hai ngày.`),
  REPORT_RANGE_TOO_LONG: def(400,
    d => `A report covers at most ${d.max} days; ${d.from} to ${d.to} is ${d.days} days.`,
    d => `Báo cáo chỉ tính tối đa ${d.max} ngày; từ ${d.from} đến ${d.to} là ${d.days} ngày.`),
  REPORT_TIME_ZONE_UNKNOWN: def(400,
    d => `Unknown time zone "${d.timeZone}": use an IANA name such as Asia/Ho_Chi_Minh.`,
    d => `Múi giờ "${d.timeZone}" không hợp lệ: hãy dùng tên như Asia/Ho_Chi_Minh.`),
  EMERGENCY_CONTENT: def(400,
    () => 'Give the emergency warning as either a recorded media item (mediaId) or a text to read out (text), not both.',
    () => 'Hãy chọn cảnh báo khẩn cấp: một tệp âm thanh (mediaId) hoặc một văn bản để đọc (text), không chọn cả hai.'),
  LIVE_START_MISSING: def(400,
    () => 'Send the start message first: {"type":"start", ...} as text, then the audio as binary messages.',
    () => 'Hãy gửi tin nhắn bắt đầu trước ({"type":"start", ...}), sau đó mới gửi âm thanh.'),
  LIVE_FORMAT: def(415,
    d => `Live audio must be one of: ${d.formats} (got "${d.format}").`,
    d => `Âm thanh trực tiếp phải thuộc một trong các dạng: ${d.formats} (nhận được "${d.format}").`),
  RELAY_URL_INVALID: def(400,
    d => `The stream address ${d.url} cannot be relayed: ${d.detail}.`,
    d => `Không thể tiếp sóng địa chỉ ${d.url}: ${d.detail}.`),
  STORE_WRITE_FAILED: def(503,
    () => 'The change could not be saved to disk; nothing was changed. Check the data folder.',
    () => 'Không lưu được thay đổi; chưa có gì thay đổi. Hãy kiểm tra thư mục dữ liệu.'),
  INTERNAL: def(500,
    () => 'Something went wrong in the controller; the error has been logged.',
    () => 'Bộ điều khiển gặp lỗi; lỗi đã được ghi lại.')
} as const satisfies Record<string, ErrorDef>

export type ErrorCode = keyof typeof ERRORS

export class ApiError extends Error {
  readonly statusCode: number
  readonly messageVi: string
  constructor (readonly code: ErrorCode, details: Record<string, string | number> = {}) {
    const d = ERRORS[code]
    super(d.en(details))
    this.name = 'ApiError'
    this.statusCode = d.status
    this.messageVi = d.vi(details)
  }
}

export function apiError (code: ErrorCode, details: Record<string, string | number> = {}): ApiError {
  return new ApiError(code, details)
}
