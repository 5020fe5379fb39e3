import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docxBytes, gifBytes, jpegBytes, pdfBytes, pngBytes, pngHeaderClaiming, pptxBytes, webpBytes, xlsxBytes, zipBytes } from '../../test/file-fixtures';
import { bufferSource, contentTypeFor, describeMismatch, extensionOf, fileSource, kindForExtension, sniff } from './file-types';

const sniffBytes = (bytes: Uint8Array) => sniff(bufferSource(bytes));

describe('sniff', () => {
  it('recognises PNG and reads its size from IHDR', async () => {
    expect(await sniffBytes(pngBytes(40, 30))).toEqual({ ok: true, kind: 'png', width: 40, height: 30 });
  });

  it('recognises GIF and reads the logical screen size', async () => {
    expect(await sniffBytes(gifBytes(21, 7))).toEqual({ ok: true, kind: 'gif', width: 21, height: 7 });
  });

  it('reads JPEG size from the frame header, past APP segments', async () => {
    expect(await sniffBytes(jpegBytes(640, 480))).toEqual({ ok: true, kind: 'jpeg', width: 640, height: 480 });
    expect(await sniffBytes(jpegBytes(640, 480, { orientation: 1, exifPadding: 30_000 }))).toEqual({ ok: true, kind: 'jpeg', width: 640, height: 480 });
  });

  it('swaps JPEG width and height for EXIF orientations 5–8 (a phone photo held upright)', async () => {
    expect(await sniffBytes(jpegBytes(4032, 3024, { orientation: 6 }))).toEqual({ ok: true, kind: 'jpeg', width: 3024, height: 4032 });
    expect(await sniffBytes(jpegBytes(4032, 3024, { orientation: 3 }))).toMatchObject({ width: 4032, height: 3024 });
  });

  it('reads WebP sizes from VP8, VP8L and VP8X headers', async () => {
    expect(await sniffBytes(webpBytes(300, 200, 'VP8'))).toEqual({ ok: true, kind: 'webp', width: 300, height: 200 });
    expect(await sniffBytes(webpBytes(301, 201, 'VP8L'))).toEqual({ ok: true, kind: 'webp', width: 301, height: 201 });
    expect(await sniffBytes(webpBytes(5000, 4000, 'VP8X'))).toEqual({ ok: true, kind: 'webp', width: 5000, height: 4000 });
  });

  it('recognises PDF', async () => {
    expect(await sniffBytes(pdfBytes())).toEqual({ ok: true, kind: 'pdf', width: null, height: null });
  });

  it('tells Word, Excel and PowerPoint apart by their parts, and refuses other ZIPs', async () => {
    expect(await sniffBytes(docxBytes())).toMatchObject({ ok: true, kind: 'docx' });
    expect(await sniffBytes(xlsxBytes())).toMatchObject({ ok: true, kind: 'xlsx' });
    expect(await sniffBytes(pptxBytes())).toMatchObject({ ok: true, kind: 'pptx' });
    expect(await sniffBytes(zipBytes({ 'evil.exe': 'MZ...' }))).toEqual({ ok: false, detected: 'a ZIP archive' });
    // A ZIP comment after the central directory does not hide it.
    const commented = Buffer.concat([docxBytes().subarray(0, -2), Buffer.from([5, 0]), Buffer.from('hello')]);
    expect(await sniffBytes(commented)).toMatchObject({ ok: true, kind: 'docx' });
  });

  it('accepts UTF-8 text (with tabs, CRLF, emoji) and refuses NULs, invalid UTF-8 and UTF-16', async () => {
    expect(await sniffBytes(Buffer.from('name;email\r\nÅse;ase@example.com\t🙂\n'))).toMatchObject({ ok: true, kind: 'text' });
    expect(await sniffBytes(Buffer.from('abc\0def'))).toEqual({ ok: false, detected: null });
    expect(await sniffBytes(Buffer.from([0x61, 0xc3, 0x28]))).toEqual({ ok: false, detected: null });
    expect(await sniffBytes(Buffer.from('\ufeffhi', 'utf16le'))).toEqual({ ok: false, detected: null });
  });

  it('validates UTF-8 across chunk boundaries of a large file', async () => {
    // 64 KiB chunks: put a 4-byte emoji across the first boundary.
    const text = Buffer.concat([Buffer.alloc(64 * 1024 - 2, 'a'), Buffer.from('🙂'), Buffer.alloc(10, 'b')]);
    expect(await sniffBytes(text)).toMatchObject({ ok: true, kind: 'text' });
    const broken = Buffer.concat([text.subarray(0, 64 * 1024 - 2), Buffer.from([0xf0, 0x9f]), Buffer.alloc(10, 'b')]);
    expect(await sniffBytes(broken)).toEqual({ ok: false, detected: null });
  });

  it('names refused types it recognises', async () => {
    expect(await sniffBytes(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]))).toEqual({ ok: false, detected: 'a Windows executable' });
    expect(await sniffBytes(Buffer.concat([Buffer.from([0x7f]), Buffer.from('ELF'), Buffer.alloc(60)]))).toEqual({ ok: false, detected: 'a Linux executable' });
    expect(await sniffBytes(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toEqual({
      ok: false,
      detected: 'a legacy Office (OLE) document',
    });
    expect(await sniffBytes(Buffer.alloc(0))).toEqual({ ok: false, detected: 'an empty file' });
  });

  it('flags truncated or damaged image headers', async () => {
    expect(await sniffBytes(pngBytes(4, 4).subarray(0, 20))).toMatchObject({ ok: false, damaged: true });
    expect(await sniffBytes(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0]))).toMatchObject({ ok: false, damaged: true });
    expect(await sniffBytes(jpegBytes(10, 10).subarray(0, 30))).toMatchObject({ ok: false, damaged: true });
    expect(await sniffBytes(pngBytes(0, 5))).toMatchObject({ ok: false, damaged: true });
  });

  it('reads from a file on disk through a file handle', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sniff-'));
    try {
      const file = path.join(dir, 'a.jpg');
      await writeFile(file, jpegBytes(800, 600, { orientation: 8, exifPadding: 60_000 }));
      const handle = await open(file, 'r');
      const { size } = await handle.stat();
      expect(await sniff(await fileSource(handle, file, size))).toEqual({ ok: true, kind: 'jpeg', width: 600, height: 800 });
      await handle.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('EXIF orientation', () => {
  it('reads little-endian EXIF too', async () => {
    const tiff = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    const app1 = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
    const plain = jpegBytes(40, 30);
    const length = Buffer.from([(app1.length + 2) >> 8, (app1.length + 2) & 0xff]);
    const rotated = Buffer.concat([plain.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, app1, plain.subarray(2)]);
    expect(await sniffBytes(rotated)).toEqual({ ok: true, kind: 'jpeg', width: 30, height: 40 });
  });
});

describe('hostile image headers', () => {
  it('reads a PNG header claiming 2³¹×2³¹ pixels as it is, for the caller to refuse', async () => {
    expect(await sniffBytes(pngHeaderClaiming(2 ** 31, 2 ** 31))).toEqual({ ok: true, kind: 'png', width: 2 ** 31, height: 2 ** 31 });
    expect(await sniffBytes(pngHeaderClaiming(2 ** 32 - 1, 1))).toEqual({ ok: true, kind: 'png', width: 2 ** 32 - 1, height: 1 });
  });
});

describe('extensions and mismatches', () => {
  it('parses extensions case-insensitively and maps them to kinds', () => {
    expect(extensionOf('Report.Final.PDF')).toBe('pdf');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('noext')).toBe('');
    expect(kindForExtension('JPEG')).toBe('jpeg');
    expect(kindForExtension('svg')).toBeNull();
    expect(kindForExtension('html')).toBeNull();
  });

  it('serves text as text/plain or text/csv with a charset', () => {
    expect(contentTypeFor('text', 'csv')).toBe('text/csv; charset=utf-8');
    expect(contentTypeFor('text', 'txt')).toBe('text/plain; charset=utf-8');
    expect(contentTypeFor('png', 'png')).toBe('image/png');
  });

  it('explains each refusal', async () => {
    const png = await sniffBytes(pngBytes(2, 2));
    const pdf = await sniffBytes(pdfBytes());
    expect(describeMismatch('photo.png', png)).toBeNull();
    expect(describeMismatch('photo.PNG', png)).toBeNull();
    expect(describeMismatch('photo.png', pdf)).toBe('“photo.png” is a PDF document, not a PNG image: its extension must be .pdf');
    expect(describeMismatch('page.svg', png)).toMatch(/^\.svg files are not allowed; allowed are PNG/);
    expect(describeMismatch('README', png)).toMatch(/^the name must end with an extension/);
    expect(describeMismatch('setup.pdf', { ok: false, detected: 'a Windows executable' })).toMatch(
      /^“setup.pdf” is a Windows executable, which is not allowed/,
    );
    expect(describeMismatch('notes.txt', { ok: false, detected: null })).toMatch(/is of an unrecognised type/);
    expect(describeMismatch('photo.jpg', { ok: false, detected: null, damaged: true })).toMatch(/is damaged/);
    // Text content with a .csv name is fine; with an image name it is not.
    const text = await sniffBytes(Buffer.from('a,b\n1,2\n'));
    expect(describeMismatch('data.csv', text)).toBeNull();
    expect(describeMismatch('data.jpg', text)).toBe('“data.jpg” is a text file, not a JPEG image: its extension must be .txt');
  });
});
