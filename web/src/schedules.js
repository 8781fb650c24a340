// The built-in holiday schedules a calendar can `include` (docs/packs.md).
//
// GET /api/v1/calendars returns a calendar document as stored, so an
// included schedule appears only by its name ("cn-2025-2026"); the API has
// no way to read the dates it stands for. The calendars page needs them to
// show the year, so the official PRC schedule for 2025 and 2026 (国务院办公厅
// 关于2025年、2026年部分节假日安排的通知; the same facts the server compiles
// in) is listed here for display only: the server alone decides deadlines.
const CN_2025_2026 = {
  name: 'cn-2025-2026',
  title: { 'zh-CN': '全国法定节假日及调休（2025–2026）', en: 'PRC public holidays and make-up workdays (2025–2026)' },
  source: '国务院办公厅关于2025年、2026年部分节假日安排的通知',
  holidays: [
    { name: '元旦', name_en: "New Year's Day", from: '2025-01-01', to: '2025-01-01' },
    { name: '春节', name_en: 'Spring Festival', from: '2025-01-28', to: '2025-02-04' },
    { name: '清明节', name_en: 'Qingming', from: '2025-04-04', to: '2025-04-06' },
    { name: '劳动节', name_en: 'Labour Day', from: '2025-05-01', to: '2025-05-05' },
    { name: '端午节', name_en: 'Dragon Boat Festival', from: '2025-05-31', to: '2025-06-02' },
    { name: '国庆节、中秋节', name_en: 'National Day, Mid-Autumn', from: '2025-10-01', to: '2025-10-08' },
    { name: '元旦', name_en: "New Year's Day", from: '2026-01-01', to: '2026-01-03' },
    { name: '春节', name_en: 'Spring Festival', from: '2026-02-15', to: '2026-02-23' },
    { name: '清明节', name_en: 'Qingming', from: '2026-04-04', to: '2026-04-06' },
    { name: '劳动节', name_en: 'Labour Day', from: '2026-05-01', to: '2026-05-05' },
    { name: '端午节', name_en: 'Dragon Boat Festival', from: '2026-06-19', to: '2026-06-21' },
    { name: '中秋节', name_en: 'Mid-Autumn Festival', from: '2026-09-25', to: '2026-09-27' },
    { name: '国庆节', name_en: 'National Day', from: '2026-10-01', to: '2026-10-07' },
  ],
  workdays: [
    { name: '春节调休上班', name_en: 'Spring Festival make-up day', date: '2025-01-26' },
    { name: '春节调休上班', name_en: 'Spring Festival make-up day', date: '2025-02-08' },
    { name: '劳动节调休上班', name_en: 'Labour Day make-up day', date: '2025-04-27' },
    { name: '国庆节调休上班', name_en: 'National Day make-up day', date: '2025-09-28' },
    { name: '国庆节调休上班', name_en: 'National Day make-up day', date: '2025-10-11' },
    { name: '元旦调休上班', name_en: "New Year's make-up day", date: '2026-01-04' },
    { name: '春节调休上班', name_en: 'Spring Festival make-up day', date: '2026-02-14' },
    { name: '春节调休上班', name_en: 'Spring Festival make-up day', date: '2026-02-28' },
    { name: '劳动节调休上班', name_en: 'Labour Day make-up day', date: '2026-05-09' },
    { name: '国庆节调休上班', name_en: 'National Day make-up day', date: '2026-09-20' },
    { name: '国庆节调休上班', name_en: 'National Day make-up day', date: '2026-10-10' },
  ],
}

export const SCHEDULES = { 'cn-2025-2026': CN_2025_2026, cn: CN_2025_2026 }
