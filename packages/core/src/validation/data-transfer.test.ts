import { expect } from '@open-wc/testing';
import {
  filesFromDataTransfer,
  filesFromInput,
  isOsJunk,
  readAllEntries,
  walkDirectory,
  type DirectoryEntryLike,
  type EntryLike,
  type FileEntryLike,
  type PickedFile,
} from './data-transfer.js';

// --- Fakes -----------------------------------------------------------------------------------
// A script cannot put a folder into a DataTransfer, so dropped folders are simulated with
// these fakes of FileSystemFileEntry / FileSystemDirectoryEntry. Like Chrome's reader, the
// fake reader hands out at most 100 entries per readEntries call, then an empty batch.

const CHROME_BATCH = 100;

function fakeFile(name: string, content: string = name): FileEntryLike {
  return { name, isFile: true, isDirectory: false, file: (success) => success(new File([content], name)) };
}

function fakeDirectory(name: string, children: EntryLike[], failure?: DOMException): DirectoryEntryLike & { calls: number } {
  const directory = {
    name,
    isFile: false,
    isDirectory: true,
    calls: 0,
    createReader() {
      let position = 0;
      return {
        readEntries(success: (entries: EntryLike[]) => void, fail?: (error: DOMException) => void) {
          directory.calls++;
          // Asynchronous, like the real API.
          setTimeout(() => {
            if (failure !== undefined) return fail?.(failure);
            success(children.slice(position, position + CHROME_BATCH));
            position = Math.min(children.length, position + CHROME_BATCH);
          });
        },
      };
    },
  };
  return directory;
}

/** A stand-in DataTransfer whose items return the given entries (fakes cannot go in a real one). */
function fakeDataTransfer(items: { entry: EntryLike | null; file?: File }[]): DataTransfer {
  const list = items.map(({ entry, file }) => ({
    kind: 'file',
    webkitGetAsEntry: () => entry,
    getAsFile: () => file ?? null,
  }));
  return { items: list, files: [] } as unknown as DataTransfer;
}

const paths = (picked: PickedFile[]) => picked.map((p) => p.relativePath);

// --- Real Chromium directories -----------------------------------------------------------------
// Chromium still has the sandboxed file system behind webkitRequestFileSystem; its entries
// are the same FileSystemDirectoryEntry/readEntries implementation a folder drop gives.

interface SandboxDirectory extends FileSystemDirectoryEntry {
  removeRecursively(success: () => void, failure: (error: DOMException) => void): void;
}
interface SandboxFileEntry extends FileSystemFileEntry {
  createWriter(success: (writer: { onwriteend: () => void; onerror: (e: unknown) => void; write(blob: Blob): void }) => void, failure: (e: unknown) => void): void;
}
type RequestFileSystem = (type: number, size: number, success: (fs: FileSystem) => void, failure: (e: unknown) => void) => void;

const requestFileSystem = (window as unknown as { webkitRequestFileSystem?: RequestFileSystem }).webkitRequestFileSystem;

function sandboxRoot(): Promise<SandboxDirectory> {
  return new Promise((resolve, reject) =>
    requestFileSystem?.(0 /* TEMPORARY */, 1024 * 1024, (fs) => resolve(fs.root as SandboxDirectory), reject),
  );
}

function makeDirectory(parent: FileSystemDirectoryEntry, name: string): Promise<SandboxDirectory> {
  return new Promise((resolve, reject) =>
    parent.getDirectory(name, { create: true }, (entry) => resolve(entry as SandboxDirectory), reject),
  );
}

function writeFile(parent: FileSystemDirectoryEntry, name: string, content: string): Promise<void> {
  return new Promise((resolve, reject) =>
    parent.getFile(name, { create: true }, (entry) => {
      (entry as SandboxFileEntry).createWriter((writer) => {
        writer.onwriteend = () => resolve();
        writer.onerror = reject;
        writer.write(new Blob([content]));
      }, reject);
    }, reject),
  );
}

// Chromium's sandboxed file system gives real directory entries; where it is gone, so is this case.
describe('walkDirectory with real Chromium directory entries', () => {
  if (requestFileSystem !== undefined) it('walks a folder of more than 100 files and its subfolders, skipping OS junk', async function () {
    const root = await makeDirectory(await sandboxRoot(), `drop-${crypto.randomUUID()}`);
    try {
      const folder = await makeDirectory(root, 'reports');
      const sub = await makeDirectory(folder, '2024');
      const names = Array.from({ length: 150 }, (_, i) => `page ${i + 1}.txt`);
      for (const name of names) await writeFile(folder, name, name);
      await writeFile(folder, '.DS_Store', 'junk');
      await writeFile(sub, 'q1.pdf', '%PDF-1.7');
      await writeFile(sub, 'Thumbs.db', 'junk');

      const picked = await walkDirectory(folder);
      expect(picked).to.have.length(151);
      expect(paths(picked).slice(0, 3)).to.deep.equal(['reports/2024/q1.pdf', 'reports/page 1.txt', 'reports/page 2.txt']);
      expect(paths(picked).at(-1)).to.equal('reports/page 150.txt');
      expect(await picked[0]?.file.text()).to.equal('%PDF-1.7');
      expect(picked[0]?.file.name).to.equal('q1.pdf');
    } finally {
      await new Promise<void>((resolve, reject) => root.removeRecursively(resolve, reject));
    }
  });
});

describe('walkDirectory and readAllEntries (fake entries)', () => {
  it('keeps calling readEntries until it returns an empty batch', async () => {
    const files = Array.from({ length: 250 }, (_, i) => fakeFile(`f${i}.txt`));
    const directory = fakeDirectory('many', files);
    expect(await readAllEntries(directory.createReader())).to.have.length(250);
    // 100 + 100 + 50, then the empty batch that says "done".
    expect(directory.calls).to.equal(4);
  });

  it('walks nested folders depth first, in natural name order, with paths from the dropped folder', async () => {
    const tree = fakeDirectory('reports', [
      fakeFile('q10.pdf'),
      fakeDirectory('2024', [fakeFile('q2.pdf'), fakeDirectory('drafts', [fakeFile('d.txt')]), fakeFile('q1.pdf')]),
      fakeFile('q9.pdf'),
      fakeDirectory('empty', []),
    ]);
    expect(paths(await walkDirectory(tree))).to.deep.equal([
      'reports/2024/drafts/d.txt',
      'reports/2024/q1.pdf',
      'reports/2024/q2.pdf',
      'reports/q9.pdf',
      'reports/q10.pdf',
    ]);
  });

  it('skips OS junk but keeps every other file, hidden ones included', async () => {
    const tree = fakeDirectory('docs', [
      fakeFile('.DS_Store'),
      fakeFile('Thumbs.db'),
      fakeFile('desktop.ini'),
      fakeFile('._report.pdf'),
      fakeDirectory('__MACOSX', [fakeFile('report.pdf')]),
      fakeFile('.hidden-notes.txt'),
      fakeFile('report.pdf'),
      fakeFile('setup.exe'),
    ]);
    expect(paths(await walkDirectory(tree))).to.deep.equal(['docs/.hidden-notes.txt', 'docs/report.pdf', 'docs/setup.exe']);
  });

  it('fails instead of silently dropping files when a folder or a file cannot be read', async () => {
    const denied = new DOMException('denied', 'NotReadableError');
    const unreadableFolder = fakeDirectory('top', [fakeFile('a.txt'), fakeDirectory('locked', [], denied)]);
    let error: unknown;
    await walkDirectory(unreadableFolder).catch((e: unknown) => (error = e));
    expect(error).to.equal(denied);

    const unreadableFile: FileEntryLike = { name: 'gone.pdf', isFile: true, isDirectory: false, file: (_, fail) => fail?.(denied) };
    error = undefined;
    await walkDirectory(fakeDirectory('top', [unreadableFile])).catch((e: unknown) => (error = e));
    expect(error).to.equal(denied);
  });

  it('recognises OS junk case-insensitively where Windows does', () => {
    expect(isOsJunk('THUMBS.DB', false)).to.equal(true);
    expect(isOsJunk('.ds_store', false)).to.equal(true);
    expect(isOsJunk('__MACOSX', true)).to.equal(true);
    expect(isOsJunk('__MACOSX', false)).to.equal(false);
    expect(isOsJunk('report.pdf', false)).to.equal(false);
  });
});

describe('filesFromDataTransfer', () => {
  it('returns the files of a real DataTransfer in order, without a path, ignoring string items', async () => {
    const dt = new DataTransfer();
    dt.items.add(new File(['%PDF-1.7'], 'a.pdf', { type: 'application/pdf' }));
    dt.items.add('https://example.com/', 'text/uri-list');
    dt.items.add(new File(['notes'], 'b.txt', { type: 'text/plain' }));
    const picked = await filesFromDataTransfer(dt);
    expect(picked.map((p) => [p.file.name, p.file.type, p.relativePath])).to.deep.equal([
      ['a.pdf', 'application/pdf', undefined],
      ['b.txt', 'text/plain', undefined],
    ]);
    expect(await picked[1]?.file.text()).to.equal('notes');
  });

  it('returns nothing for a drop without files', async () => {
    const dt = new DataTransfer();
    dt.items.add('just text', 'text/plain');
    expect(await filesFromDataTransfer(dt)).to.deep.equal([]);
  });

  it('walks dropped folders next to dropped files, keeping drop order (fake entries)', async () => {
    const loose = new File(['x'], 'loose.txt');
    const dt = fakeDataTransfer([
      { entry: fakeDirectory('folder', [fakeFile('inner.pdf')]) },
      { entry: null, file: loose },
    ]);
    const picked = await filesFromDataTransfer(dt);
    expect(picked.map((p) => [p.file.name, p.relativePath])).to.deep.equal([
      ['inner.pdf', 'folder/inner.pdf'],
      ['loose.txt', undefined],
    ]);
    expect(picked[1]?.file).to.equal(loose);
  });

  it('takes everything from the DataTransfer before its first await', async () => {
    let open = true;
    const file = new File(['x'], 'a.txt');
    const dt = {
      get items() {
        if (!open) throw new Error('the drop event is over');
        return [{ kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => file }];
      },
      get files() {
        if (!open) throw new Error('the drop event is over');
        return [];
      },
    } as unknown as DataTransfer;
    const pending = filesFromDataTransfer(dt);
    open = false;
    expect((await pending).map((p) => p.file)).to.deep.equal([file]);
  });

  it('falls back to the files when items or entries are unavailable', async () => {
    const real = new DataTransfer();
    real.items.add(new File(['1'], 'one.txt'));
    const noItems = { items: [], files: real.files } as unknown as DataTransfer;
    expect((await filesFromDataTransfer(noItems)).map((p) => p.file.name)).to.deep.equal(['one.txt']);
    const oldBrowser = { items: [{ kind: 'file', getAsFile: () => real.files[0] }], files: [] } as unknown as DataTransfer;
    expect((await filesFromDataTransfer(oldBrowser)).map((p) => p.file.name)).to.deep.equal(['one.txt']);
  });
});

describe('filesFromInput', () => {
  it('reads a FileList, in order', () => {
    const dt = new DataTransfer();
    dt.items.add(new File(['1'], 'one.pdf'));
    dt.items.add(new File(['2'], 'two.pdf'));
    expect(filesFromInput(dt.files).map((p) => [p.file.name, p.relativePath])).to.deep.equal([
      ['one.pdf', undefined],
      ['two.pdf', undefined],
    ]);
  });

  it('keeps the folder path of files picked with webkitdirectory', () => {
    const file = new File(['1'], 'q1.pdf');
    // Only the browser sets webkitRelativePath; this is what an <input webkitdirectory> gives.
    Object.defineProperty(file, 'webkitRelativePath', { value: 'reports/2024/q1.pdf' });
    expect(filesFromInput([file])).to.deep.equal([{ file, relativePath: 'reports/2024/q1.pdf' }]);
  });

  it('takes an array of files, or a single file, as they are', () => {
    const a = new File(['a'], 'a.txt');
    const b = new File(['b'], 'b.txt');
    expect(filesFromInput([a, b]).map((p) => p.file)).to.deep.equal([a, b]);
    expect(filesFromInput(a)).to.deep.equal([{ file: a, relativePath: undefined }]);
  });

  it('turns a bare Blob into a File named "blob" with its type and content', async () => {
    const [picked] = filesFromInput(new Blob(['%PDF-1.7'], { type: 'application/pdf' }));
    expect(picked?.file).to.be.instanceOf(File);
    expect(picked?.file.name).to.equal('blob');
    expect(picked?.file.type).to.equal('application/pdf');
    expect(await picked?.file.text()).to.equal('%PDF-1.7');
    expect(filesFromInput([new Blob(['x'])]).map((p) => p.file.name)).to.deep.equal(['blob']);
  });
});
