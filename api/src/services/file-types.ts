import type { FileHandle } from 'node:fs/promises';

/**
 * Content sniffing for chat attachments: what a file really is, from its bytes, never from the
 * name or the type the client claimed. Only the types below are allowed, and a file's extension
 * must be one of its sniffed type's extensions (`photo.png` that is really a PDF is refused).
 * Image dimensions come from the headers (PNG IHDR, JPEG SOF, GIF screen descriptor, WebP
 * VP8/VP8L/VP8X), so clients can size an inline preview before it loads; nothing is decoded.
 */

export type FileKind = 'png' | 'jpeg' | 'gif' | 'webp' | 'pdf' | 'text' | 'docx' | 'xlsx' | 'pptx';

export interface FileTypeInfo {
  /** "a PNG image": used in error messages. */
  label: string;
  /** Allowed extensions, lower case, without the dot; the first is the usual one. */
  extensions: readonly string[];
  image: boolean;
}

export const FILE_TYPES: Record<FileKind, FileTypeInfo> = {
  png: { label: 'a PNG image', extensions: ['png'], image: true },
  jpeg: { label: 'a JPEG image', extensions: ['jpg', 'jpeg'], image: true },
  gif: { label: 'a GIF image', extensions: ['gif'], image: true },
  webp: { label: 'a WebP image', extensions: ['webp'], image: true },
  pdf: { label: 'a PDF document', extensions: ['pdf'], image: false },
  text: { label: 'a text file', extensions: ['txt', 'csv', 'log', 'md'], image: false },
  docx: { label: 'a Word document', extensions: ['docx'], image: false },
  xlsx: { label: 'an Excel workbook', extensions: ['xlsx'], image: false },
  pptx: { label: 'a PowerPoint presentation', extensions: ['pptx'], image: false },
};

const CONTENT_TYPES: Record<Exclude<FileKind, 'text'>, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

export const ALLOWED_TYPES_TEXT =
  'PNG, JPEG, GIF and WebP images, PDF, text (.txt, .csv, .log, .md), Word (.docx), Excel (.xlsx) and PowerPoint (.pptx)';

const EXTENSION_KIND = new Map<string, FileKind>(
  (Object.entries(FILE_TYPES) as [FileKind, FileTypeInfo][]).flatMap(([kind, info]) => info.extensions.map((ext) => [ext, kind] as const)),
);

/** The lower-case extension of a file name, without the dot; '' when there is none. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && dot < fileName.length - 1 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** The kind an extension promises, or null when the extension is not allowed. */
export function kindForExtension(ext: string): FileKind | null {
  return EXTENSION_KIND.get(ext.toLowerCase()) ?? null;
}

/** The Content-Type to store and serve: sniffed kind, refined by the extension only among text types. */
export function contentTypeFor(kind: FileKind, ext: string): string {
  if (kind !== 'text') return CONTENT_TYPES[kind];
  return ext === 'csv' ? 'text/csv; charset=utf-8' : ext === 'md' ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8';
}

export function isImageType(contentType: string): boolean {
  return /^image\/(png|jpeg|gif|webp)$/.test(contentType);
}

/** Random access to a file's bytes: an uploaded temp file on disk, or a buffer in tests. */
export interface ByteSource {
  size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) };
}

export function fileHandleSource(handle: FileHandle, size: number): ByteSource {
  return {
    size,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const buffer = Buffer.alloc(n);
      const { bytesRead } = n ? await handle.read(buffer, 0, n, offset) : { bytesRead: 0 };
      return buffer.subarray(0, bytesRead);
    },
  };
}

export type SniffResult =
  | { ok: true; kind: FileKind; width: number | null; height: number | null }
  /** Not an allowed type; `detected` names what it looks like, when known ("a ZIP archive"). */
  | { ok: false; detected: string | null; damaged?: boolean };

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
const u32le = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) + b[i + 3]! * 0x1000000;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const PDF = ascii('%PDF-');
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Recognisable but refused types, so the error can say what the file looked like. */
const REFUSED_SIGNATURES: { signature: number[]; at?: number; label: string }[] = [
  { signature: ascii('MZ'), label: 'a Windows executable' },
  { signature: [0x7f, ...ascii('ELF')], label: 'a Linux executable' },
  { signature: [0xcf, 0xfa, 0xed, 0xfe], label: 'a macOS executable' },
  { signature: OLE, label: 'a legacy Office (OLE) document' },
  { signature: [0x1f, 0x8b], label: 'a gzip archive' },
  { signature: ascii('Rar!'), label: 'a RAR archive' },
  { signature: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], label: 'a 7-Zip archive' },
  { signature: ascii('ftyp'), at: 4, label: 'a video or HEIC image' },
  { signature: ascii('ID3'), label: 'an MP3 file' },
  { signature: ascii('BM'), label: 'a BMP image' },
  { signature: [0x49, 0x49, 0x2a, 0x00], label: 'a TIFF image' },
  { signature: [0x4d, 0x4d, 0x00, 0x2a], label: 'a TIFF image' },
];

/** Sniffs a file's type from its bytes, and image dimensions from its headers. */
export async function sniff(source: ByteSource): Promise<SniffResult> {
  if (source.size === 0) return { ok: false, detected: 'an empty file' };
  const head = await source.read(0, 64);

  if (startsWith(head, PNG)) return png(head);
  if (startsWith(head, JPEG)) return jpeg(source);
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a')))
    return head.length >= 10 ? image('gif', u16le(head, 6), u16le(head, 8)) : damaged();
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return webp(head);
  if (startsWith(head, PDF)) return { ok: true, kind: 'pdf', width: null, height: null };
  if (startsWith(head, ZIP)) return officeDocument(source);
  for (const refused of REFUSED_SIGNATURES)
    if (startsWith(head, refused.signature, refused.at ?? 0)) return { ok: false, detected: refused.label };
  if (await isText(source)) return { ok: true, kind: 'text', width: null, height: null };
  return { ok: false, detected: null };
}

function image(kind: FileKind, width: number, height: number): SniffResult {
  return width > 0 && height > 0 ? { ok: true, kind, width, height } : damaged();
}

const damaged = (): SniffResult => ({ ok: false, detected: null, damaged: true });

function png(head: Uint8Array): SniffResult {
  // The first chunk must be IHDR: length 13, then width and height (big-endian).
  if (head.length < 24 || !startsWith(head, ascii('IHDR'), 12)) return damaged();
  return image('png', u32be(head, 16), u32be(head, 20));
}

function webp(head: Uint8Array): SniffResult {
  if (head.length < 30) return damaged();
  if (startsWith(head, ascii('VP8 '), 12)) {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (!startsWith(head, [0x9d, 0x01, 0x2a], 23)) return damaged();
    return image('webp', u16le(head, 26) & 0x3fff, u16le(head, 28) & 0x3fff);
  }
  if (startsWith(head, ascii('VP8L'), 12)) {
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    if (head[20] !== 0x2f) return damaged();
    const [b0, b1, b2, b3] = [head[21]!, head[22]!, head[23]!, head[24]!];
    return image('webp', 1 + (((b1 & 0x3f) << 8) | b0), 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)));
  }
  if (startsWith(head, ascii('VP8X'), 12)) return image('webp', 1 + u24le(head, 24), 1 + u24le(head, 27));
  return damaged();
}

/**
 * Walks the JPEG segments up to the first frame header (SOF). EXIF orientations 5–8 (a phone held
 * upright) swap width and height: browsers display the rotated image, so report what they show.
 */
async function jpeg(source: ByteSource): Promise<SniffResult> {
  let offset = 2;
  let orientation = 1;
  for (let segments = 0; segments < 1000 && offset + 4 <= source.size; segments++) {
    const header = await source.read(offset, 4);
    if (header[0] !== 0xff) return damaged();
    const marker = header[1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // standalone markers carry no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return damaged(); // end of image or scan data before any frame header
    const length = u16be(header, 2);
    if (length < 2) return damaged();
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const sof = await source.read(offset + 4, 5);
      if (sof.length < 5) return damaged();
      const height = u16be(sof, 1);
      const width = u16be(sof, 3);
      return orientation >= 5 && orientation <= 8 ? image('jpeg', height, width) : image('jpeg', width, height);
    }
    if (marker === 0xe1 && length >= 16) orientation = exifOrientation(await source.read(offset + 4, Math.min(length - 2, 64 * 1024))) ?? orientation;
    offset += 2 + length;
  }
  return damaged();
}

/** The Orientation tag (0x0112) of an APP1 "Exif" segment's first IFD, when present. */
export function exifOrientation(app1: Uint8Array): number | null {
  if (!startsWith(app1, [...ascii('Exif'), 0, 0])) return null;
  const tiff = app1.subarray(6);
  if (tiff.length < 8) return null;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return null;
  const u16 = (i: number) => (little ? u16le(tiff, i) : u16be(tiff, i));
  const u32 = (i: number) => (little ? u32le(tiff, i) : u32be(tiff, i));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(entry) === 0x0112) return u16(entry + 8);
  }
  return null;
}

/**
 * Office Open XML files are ZIP archives: read the central directory and look for the main part
 * of a Word, Excel or PowerPoint file. Any other ZIP is refused (it could hold anything).
 */
async function officeDocument(source: ByteSource): Promise<SniffResult> {
  const zip = { ok: false, detected: 'a ZIP archive' } as const;
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tail = await source.read(source.size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) {
      eocd = i;
      break;
    }
  if (eocd < 0) return damaged();
  const entries = u16le(tail, eocd + 10);
  const directorySize = u32le(tail, eocd + 12);
  const directoryOffset = u32le(tail, eocd + 16);
  if (directoryOffset + directorySize > source.size || entries === 0xffff) return zip; // damaged, or ZIP64: not an Office file we know
  const directory = await source.read(directoryOffset, directorySize);
  const names = new Set<string>();
  for (let at = 0, n = 0; n < entries && at + 46 <= directory.length; n++) {
    if (!startsWith(directory, [0x50, 0x4b, 0x01, 0x02], at)) return damaged();
    const nameLength = u16le(directory, at + 28);
    const extraLength = u16le(directory, at + 30);
    const commentLength = u16le(directory, at + 32);
    names.add(Buffer.from(directory.subarray(at + 46, at + 46 + nameLength)).toString('utf8'));
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (!names.has('[Content_Types].xml')) return zip;
  if (names.has('word/document.xml')) return { ok: true, kind: 'docx', width: null, height: null };
  if (names.has('xl/workbook.xml')) return { ok: true, kind: 'xlsx', width: null, height: null };
  if (names.has('ppt/presentation.xml')) return { ok: true, kind: 'pptx', width: null, height: null };
  return { ok: false, detected: 'an Office Open XML file of another kind' };
}

/** Valid UTF-8 throughout, with no NUL and no control characters other than tab, newlines, form feed and escape (coloured logs). */
async function isText(source: ByteSource): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const chunk = 64 * 1024;
  try {
    for (let offset = 0; offset < source.size; offset += chunk) {
      const bytes = await source.read(offset, chunk);
      for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return false;
      decoder.decode(bytes, { stream: offset + chunk < source.size });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a file may not be attached, or null when it may: the extension must be allowed, the content
 * must sniff as an allowed type, and the two must agree.
 */
export function describeMismatch(fileName: string, result: SniffResult): string | null {
  const ext = extensionOf(fileName);
  const promised = kindForExtension(ext);
  if (!promised) return ext ? `.${ext} files are not allowed; allowed are ${ALLOWED_TYPES_TEXT}` : `the name must end with an extension (allowed are ${ALLOWED_TYPES_TEXT})`;
  if (!result.ok) {
    if (result.damaged) return `“${fileName}” is damaged: it starts like ${FILE_TYPES[promised].label} but its header cannot be read`;
    if (result.detected === 'an empty file') return 'the file is empty';
    return `“${fileName}” is ${result.detected ?? 'of an unrecognised type'}, which is not allowed; allowed are ${ALLOWED_TYPES_TEXT}`;
  }
  if (result.kind !== promised)
    return `“${fileName}” is ${FILE_TYPES[result.kind].label}, not ${FILE_TYPES[promised].label}: its extension must be .${FILE_TYPES[result.kind].extensions[0]}`;
  return null;
}
