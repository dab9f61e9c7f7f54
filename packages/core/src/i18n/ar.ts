// Arabic rejection texts.
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from '../validation/document-types.js';
import type { RejectionTexts } from './rejection-texts.js';
import type { DocumentKind } from '../inspection/document-info.js';

const KIND: Readonly<Record<DocumentKind, string>> = { pdf: 'ملف PDF', docx: 'مستند Word', txt: 'ملف نصي' };

const subject = (name: string | undefined) => (name === undefined ? 'الملف' : `الملف ${name}`);

export const rejectionTextsAr: RejectionTexts = {
  tooLarge: (name, size, limit) => `${subject(name)} كبير جدًا (${size})؛ الحد ${limit}.`,
  tooSmall: (name, size, limit) => `${subject(name)} صغير جدًا (${size})؛ الحد الأدنى ${limit}.`,
  empty: (name) => `${subject(name)} فارغ (0 بايت)؛ اختر ملفًا يحتوي على بيانات.`,
  tooMany: (name, max) => `لم يُضف ${subject(name)}: الحد الأقصى لعدد الملفات ${max}. أزل ملفًا لإفساح المجال.`,
  totalTooLarge: (name, total, limit) =>
    `بإضافة ${name === undefined ? 'هذا الملف' : subject(name)} يصبح مجموع الملفات ${total}؛ الحد ${limit}. أزل بعض الملفات أولًا.`,
  typeNotAccepted: (name, accepted) => `نوع ${subject(name)} غير مقبول؛ اختر ملفًا من نوع ${accepted}.`,
  documents: {
    [PDF_TYPE]: { named: 'ملف PDF', contains: 'ملف PDF', extension: '.pdf', fix: 'صدّره أو احفظه بصيغة PDF مجددًا' },
    [DOCX_TYPE]: { named: 'مستند Word', contains: 'مستند Word', extension: '.docx', fix: 'احفظه مجددًا في Word بصيغة ‎.docx' },
    [TEXT_TYPE]: { named: 'ملف نصي', contains: 'نصًا عاديًا', extension: '.txt', fix: 'احفظه نصًا عاديًا بترميز UTF-8' },
  },
  renameTo: (name, claimed, found) =>
    `اسم ${subject(name)} يدل على ${claimed} لكنه يحتوي على ${found.contains}؛ غيّر اسمه لينتهي بـ ‎${found.extension}.`,
  notWhatNamed: (name, claimed, fix) => `اسم ${subject(name)} يدل على ${claimed} لكن محتواه لا يطابق ذلك؛ ${fix}، أو اختر ملفًا آخر.`,
  otherFix: 'اختر ملفًا من هذا النوع',
  invalidName: {
    'empty': () => 'الملف بلا اسم؛ أعد تسميته ثم أضفه مجددًا.',
    'path-separator': (quoted) => `الاسم ${quoted} يحتوي على "/" أو "\\" وهما غير مسموحين في أسماء الملفات؛ أعد تسمية الملف.`,
    'control-character': (quoted) => `الاسم ${quoted} يحتوي على محارف تحكم غير مرئية؛ أعد تسمية الملف.`,
    'bidi-control': (quoted) => `الاسم ${quoted} يحتوي على محارف مخفية تغيّر اتجاه النص وقد تُخفي امتداده؛ أعد تسمية الملف.`,
    'dot-name': (quoted) => `${quoted} ليس اسم ملف؛ أعد تسمية الملف.`,
    'too-long': (quoted, maxBytes) => `الاسم ${quoted} أطول من ${maxBytes} بايت؛ اختصره.`,
  },
  documentRefused: {
    'encrypted': (name, kind) => `${name ?? `هذا ${KIND[kind]}`} محمي بكلمة مرور: أزل كلمة المرور ثم ارفعه مجددًا.`,
    'damaged-no-xref': (name, kind) => `${name ?? `هذا ${KIND[kind]}`} تالف (فهرسه مفقود)؛ افتحه واحفظه أو صدّره من جديد ثم ارفعه.`,
    'damaged-truncated': (name, kind) => `${name ?? `هذا ${KIND[kind]}`} غير مكتمل (ينتهي قبل أوانه، ربما انقطع تنزيله)؛ احصل على الملف كاملًا من جديد.`,
    'damaged-missing-parts': (name) => `${name ?? 'مستند Word هذا'} تنقصه أجزاء يحتاجها Word؛ افتحه في Word واحفظه من جديد بصيغة .docx.`,
    'damaged-unreadable': (name, kind) => `تعذّرت قراءة ${name ?? `هذا الملف`} بوصفه ${KIND[kind]}؛ احفظه من جديد أو اختر ملفًا آخر.`,
    'macros': (name) => `${name ?? 'مستند Word هذا'} يحتوي على وحدات ماكرو غير مقبولة؛ احفظه بصيغة .docx دون ماكرو وارفع تلك النسخة.`,
    'binary': (name) => `${name ?? 'هذا الملف'} يحمل الامتداد .txt لكنه ليس نصًا؛ اختر ملفًا نصيًا عاديًا.`,
  },
  tooManyPages: (name, pages, max) => `${subject(name)} يحتوي على ${pages} صفحة؛ الحد الأقصى ${max}. قسّمه وارفع الأجزاء.`,
};
