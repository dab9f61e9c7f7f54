// Turns what a user drops or picks into a flat list of files, walking dropped folders with
// the File and Directory Entries API (webkitGetAsEntry), which every current browser has.

/** A file to add, with its path inside a dropped or picked folder (`reports/2024/q1.pdf`). */
export interface PickedFile {
  readonly file: File;
  readonly relativePath: string | undefined;
}

/**
 * The parts of the File and Directory Entries API the walker uses. The browser's
 * `FileSystemEntry` objects have them; so do the fakes in the tests, since a script cannot
 * create a real directory entry.
 */
export interface EntryLike {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}
export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: DOMException) => void): void;
}
export interface DirectoryReaderLike {
  readEntries(success: (entries: EntryLike[]) => void, failure?: (error: DOMException) => void): void;
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): DirectoryReaderLike;
}

/** Files an operating system writes into folders by itself; nobody drops a folder to upload them. */
const JUNK_FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini']);
/** Folders macOS keeps on volumes and in archives for its own bookkeeping. */
const JUNK_DIRECTORIES = new Set(['__macosx', '.spotlight-v100', '.trashes', '.fseventsd']);

/** Whether an entry inside a dropped folder is OS bookkeeping (`.DS_Store`, `Thumbs.db`, `._x` AppleDouble files). */
export function isOsJunk(name: string, isDirectory: boolean): boolean {
  const lower = name.toLowerCase();
  if (isDirectory) return JUNK_DIRECTORIES.has(lower);
  return JUNK_FILES.has(lower) || name.startsWith('._');
}

function isDirectoryEntry(entry: EntryLike): entry is DirectoryEntryLike {
  return entry.isDirectory && typeof (entry as Partial<DirectoryEntryLike>).createReader === 'function';
}

function isFileEntry(entry: EntryLike): entry is FileEntryLike {
  return entry.isFile && typeof (entry as Partial<FileEntryLike>).file === 'function';
}

/**
 * Every entry of a directory. `readEntries` hands them out in batches (Chrome: at most 100)
 * and signals the end with an empty batch, so one call is not enough.
 */
export async function readAllEntries(reader: DirectoryReaderLike): Promise<EntryLike[]> {
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function fileOf(entry: FileEntryLike): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Numeric-aware name order ("page 2" before "page 10"), as file managers list folders. */
const byName = new Intl.Collator(undefined, { numeric: true }).compare;

/**
 * All files under `directory`, depth first in name order, with paths starting at `path` (the
 * directory's own name for a dropped folder). OS junk is skipped; nothing else is. Rejects
 * when a folder or file cannot be read, rather than quietly leaving files out.
 */
export async function walkDirectory(directory: DirectoryEntryLike, path: string = directory.name): Promise<PickedFile[]> {
  const entries = (await readAllEntries(directory.createReader()))
    .filter((entry) => !isOsJunk(entry.name, entry.isDirectory))
    .sort((a, b) => byName(a.name, b.name));
  const nested = await Promise.all(
    entries.map(async (entry): Promise<PickedFile[]> => {
      const relativePath = `${path}/${entry.name}`;
      if (isDirectoryEntry(entry)) return walkDirectory(entry, relativePath);
      if (isFileEntry(entry)) return [{ file: await fileOf(entry), relativePath }];
      throw new TypeError(`"${relativePath}" is neither a file nor a folder.`);
    }),
  );
  return nested.flat();
}

type DropSource = { readonly file: File } | { readonly directory: DirectoryEntryLike };

/** Everything the walk needs from `dt`, taken synchronously (see {@link filesFromDataTransfer}). */
function dropSources(dt: DataTransfer): DropSource[] {
  const items = Array.from(dt.items ?? []).filter((item) => item.kind === 'file');
  if (items.length === 0) return Array.from(dt.files ?? [], (file) => ({ file }));
  const sources: DropSource[] = [];
  for (const item of items) {
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry !== null && isDirectoryEntry(entry)) {
      sources.push({ directory: entry });
      continue;
    }
    // A plain file (or no entry to be had): the item's File is the same one, without a callback.
    const file = item.getAsFile();
    if (file !== null) sources.push({ file });
  }
  return sources;
}

/**
 * The files in a drop, in drop order, with dropped folders walked recursively
 * (`relativePath` is `folder/sub/name.pdf`; `undefined` for files dropped as themselves).
 * Falls back to `dt.files` when the drop has no items.
 *
 * Call it synchronously in the `drop` handler: the browser empties the DataTransfer once the
 * handler returns, so everything is taken from it before this function's first `await`.
 */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<PickedFile[]> {
  const sources = dropSources(dt);
  const picked = await Promise.all(
    sources.map((source) =>
      'file' in source ? [{ file: source.file, relativePath: undefined }] : walkDirectory(source.directory),
    ),
  );
  return picked.flat();
}

function isFileList(input: FileList | readonly Blob[] | Blob): input is FileList {
  return typeof (input as FileList).item === 'function' && typeof (input as FileList).length === 'number';
}

function isBlob(input: readonly Blob[] | Blob): input is Blob {
  return typeof (input as Blob).arrayBuffer === 'function';
}

/** A `File` stays itself; a bare `Blob` becomes a File named `blob` with the Blob's type. */
function asFile(blob: Blob): File {
  // Duck-typed rather than `instanceof File`, which fails for files from another frame.
  if (typeof (blob as File).name === 'string') return blob as File;
  return new File([blob], 'blob', { type: blob.type });
}

/**
 * Files from a file input (`input.files`), an array, or a single Blob, as {@link PickedFile}s.
 * Files picked with `<input webkitdirectory>` keep their path in the folder as `relativePath`.
 */
export function filesFromInput(input: FileList | readonly Blob[] | Blob): PickedFile[] {
  const blobs = isFileList(input) ? Array.from(input) : isBlob(input) ? [input] : input;
  return blobs.map((blob) => {
    const file = asFile(blob);
    return { file, relativePath: file.webkitRelativePath === '' ? undefined : file.webkitRelativePath };
  });
}
