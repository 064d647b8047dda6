import { withDefaults, type Recurrence, type ScheduleSpec, type ScheduleSpecInput } from '../../schedules/index.js'

/** A valid schedule with defaults filled in; tests override only what they are about. */
export function spec (recurrence: Recurrence, over: Partial<ScheduleSpecInput> = {}): ScheduleSpec {
  return withDefaults({
    name: 'Chương trình sáng',
    playlist: ['media-news'],
    targets: { zones: ['zone-a'], nodes: [] },
    recurrence,
    ...over
  })
}

export const daily = (...times: string[]): Recurrence => ({ kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7], times })

export const iso = (d: Date): string => d.toISOString()
