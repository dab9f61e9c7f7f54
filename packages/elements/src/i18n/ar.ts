import type { LocaleStrings } from './strings.js';

// Arabic (right-to-left): the components set dir="rtl" and mirror their layout.
export const ar: LocaleStrings = {
  dropzoneLabel: 'رفع المستندات',
  dropzoneHint: (accept, maxSize) => `أفلت الملفات هنا أو الصقها أو تصفّحها. ${accept} حتى ${maxSize}.`,
  browse: 'تصفّح الملفات',
  dragAccept: 'أفلت للرفع',
  dragReject: 'لا يمكن رفع بعض هذه الملفات',
  disabled: 'الرفع متوقف',
  status: {
    queued: 'في الانتظار',
    validating: 'جارٍ الفحص',
    hashing: 'جارٍ التحضير',
    initializing: 'جارٍ البدء',
    uploading: 'جارٍ الرفع',
    uploaded: 'تم الرفع',
    processing: 'جارٍ المعالجة',
    parsing: 'جارٍ قراءة المستند',
    embedding: 'جارٍ الفهرسة',
    completed: 'اكتمل',
    duplicate: 'مرفوع مسبقًا',
    failed: 'فشل',
    cancelled: 'أُلغي',
    paused: 'متوقف مؤقتًا',
    retrying: 'إعادة المحاولة',
    stalled: 'الاتصال متعثر',
  },
  actions: { pause: 'إيقاف مؤقت', resume: 'استئناف', cancel: 'إلغاء', retry: 'إعادة المحاولة', remove: 'إزالة' },
  actionLabel: (action, name) => `${action} ${name}`,
  progressLabel: (name) => `تقدّم ${name}`,
  remaining: (d) => `متبقٍ ${d}`,
  duplicate: 'رفعت هذا الملف من قبل؛ لم يُرسل شيء مرة أخرى.',
  duplicateDropped: 'رفعت هذا الملف من قبل؛ أُهملت هذه النسخة ويُستخدم الملف السابق.',
  stuck: 'لا تقدّم منذ أكثر من 30 دقيقة. أعد المحاولة أو تواصل مع الدعم.',
  retryingIn: (d) => `إعادة المحاولة خلال ${d}`,
  document: {
    pages: (n, plural) => ({ zero: `${n} صفحة`, one: 'صفحة واحدة', two: 'صفحتان', few: `${n} صفحات`, many: `${n} صفحة`, other: `${n} صفحة` })[plural],
    words: (n, plural) => ({ zero: `${n} كلمة`, one: 'كلمة واحدة', two: 'كلمتان', few: `${n} كلمات`, many: `${n} كلمة`, other: `${n} كلمة` })[plural],
    notices: {
      'needs-ocr': 'مستند ممسوح ضوئيًا: سيُستخرج نصه بالتعرّف الضوئي على الحروف (OCR)',
      'unknown-encoding': 'ترميز نص غير مألوف: قد تظهر بعض الأحرف بشكل خاطئ',
    },
  },
  errorHint: (code, status) => {
    if (code === 'network') return 'انقطع الاتصال. تحقق من الشبكة؛ ستتم إعادة المحاولة.';
    if (code === 'processing-failed') return 'تعذّر على الخادم معالجة المستند. أعد المحاولة أو ارفع ملفًا آخر.';
    if (code === 'file-changed') return 'تغيّر الملف أثناء رفعه. اختره مرة أخرى.';
    if (code === 'auth-required') return 'سجّل الدخول لرفع الملفات.';
    if (status === 401 || status === 403) return 'انتهت الجلسة. سجّل الدخول مجددًا ثم أعد المحاولة.';
    if (status === 413) return 'الملف أكبر مما يقبله الخادم.';
    if (status !== undefined && status >= 500) return 'حدثت مشكلة في الخادم. أعد المحاولة بعد قليل.';
    return 'حدث خطأ. أعد المحاولة أو أزل الملف.';
  },
  summary: (done, total, percent) => `اكتمل ${done} من ${total} · ${percent}`,
  filesLabel: 'الملفات',
  announce: {
    added: (n) => (n === 1 ? 'أُضيف ملف واحد' : `أُضيفت ${n} ملفات`),
    started: (name) => `جارٍ رفع ${name}`,
    halfway: (name) => `تم رفع نصف ${name}`,
    uploaded: (name) => `تم رفع ${name}، جارٍ المعالجة`,
    completed: (name) => `${name} جاهز`,
    duplicate: (name) => `${name} مرفوع مسبقًا`,
    failed: (name, reason) => `فشل ${name}: ${reason}`,
    allComplete: (n) => (n === 1 ? 'اكتمل الرفع' : `اكتملت جميع عمليات الرفع (${n})`),
  },
};
