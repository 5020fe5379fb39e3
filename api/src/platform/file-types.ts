import { openAsBlob } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { fileTypeFromBlob } from 'file-type';
import { imageSize } from 'image-size';

/**
 * Content sniffing for chat attachments: what a file really is, from its bytes, never from the
 * name or the type the client claimed. Only the types below are allowed, and a file's extension
 * must be one of its sniffed type's extensions (`photo.png` that is really a PDF is refused).
 * Image dimensions come from the headers, so clients can size an inline preview before it loads.
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

export const ALLOWED_TYPES_TEXT = 'PNG, JPEG, GIF and WebP images, PDF, text (.txt, .csv, .log, .md), Word (.docx), Excel (.xlsx) and PowerPoint (.pptx)';

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
  /** The bytes as a Blob, read lazily (file-type reads only what it needs). */
  blob(): Blob;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
    blob: () => new Blob([new Uint8Array(bytes)]),
  };
}

/** An open file on disk, at `filePath` (the Blob reads it through a file of its own). */
export async function fileSource(handle: FileHandle, filePath: string, size: number): Promise<ByteSource> {
  const blob = await openAsBlob(filePath);
  return {
    size,
    blob: () => blob,
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

/** file-type's extensions for the allowed kinds (text has no signature: it is checked byte by byte). */
const DETECTED_KIND: Partial<Record<string, Exclude<FileKind, 'text'>>> = {
  png: 'png',
  jpg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
  pptx: 'pptx',
};

/** Refused types named in the error, so it can say what the file looked like. */
const REFUSED_LABELS: Partial<Record<string, string>> = {
  exe: 'a Windows executable',
  elf: 'a Linux executable',
  macho: 'a macOS executable',
  cfb: 'a legacy Office (OLE) document',
  zip: 'a ZIP archive',
  gz: 'a gzip archive',
  rar: 'a RAR archive',
  '7z': 'a 7-Zip archive',
  mp4: 'a video',
  mov: 'a video',
  heic: 'a HEIC image',
  avif: 'an AVIF image',
  mp3: 'an MP3 file',
  bmp: 'a BMP image',
  tif: 'a TIFF image',
};

/** image-size reads every header it knows within this much of a file's start (JPEG EXIF included). */
const IMAGE_HEADER_BYTES = 512 * 1024;

/**
 * Sniffs a file's type from its bytes (`file-type`), and image dimensions from its headers
 * (`image-size`); nothing is decoded. A JPEG with EXIF orientation 5–8 (a phone held upright)
 * reports the rotated size, which is what browsers show.
 */
export async function sniff(source: ByteSource): Promise<SniffResult> {
  if (source.size === 0) return { ok: false, detected: 'an empty file' };
  const detected = await fileTypeFromBlob(source.blob()).catch(() => undefined);
  const kind = detected && DETECTED_KIND[detected.ext];
  if (kind && isImageKind(kind)) return imageDimensions(kind, await source.read(0, IMAGE_HEADER_BYTES));
  if (kind) return { ok: true, kind, width: null, height: null };
  // XML and other text formats are text files as far as attachments go.
  const textFormat = !detected || detected.mime.startsWith('text/') || detected.ext === 'xml';
  if (textFormat && (await isText(source))) return { ok: true, kind: 'text', width: null, height: null };
  if (!detected) return { ok: false, detected: null };
  // Short signatures (MPEG audio's two bytes) match odd files too: name only what is unmistakable.
  return { ok: false, detected: REFUSED_LABELS[detected.ext] ?? null };
}

const isImageKind = (kind: FileKind) => FILE_TYPES[kind].image;

function imageDimensions(kind: FileKind, head: Uint8Array): SniffResult {
  let size: { width?: number; height?: number; orientation?: number };
  try {
    // A copy: image-size reads a view's whole underlying buffer, past the bytes the file has.
    size = imageSize(new Uint8Array(head));
  } catch {
    return damaged();
  }
  const { width = 0, height = 0, orientation = 1 } = size;
  if (!(width > 0 && height > 0)) return damaged();
  return orientation >= 5 && orientation <= 8 ? { ok: true, kind, width: height, height: width } : { ok: true, kind, width, height };
}

const damaged = (): SniffResult => ({ ok: false, detected: null, damaged: true });

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
  if (!promised)
    return ext ? `.${ext} files are not allowed; allowed are ${ALLOWED_TYPES_TEXT}` : `the name must end with an extension (allowed are ${ALLOWED_TYPES_TEXT})`;
  if (!result.ok) {
    if (result.damaged) return `“${fileName}” is damaged: it starts like ${FILE_TYPES[promised].label} but its header cannot be read`;
    if (result.detected === 'an empty file') return 'the file is empty';
    return `“${fileName}” is ${result.detected ?? 'of an unrecognised type'}, which is not allowed; allowed are ${ALLOWED_TYPES_TEXT}`;
  }
  if (result.kind !== promised)
    return `“${fileName}” is ${FILE_TYPES[result.kind].label}, not ${FILE_TYPES[promised].label}: its extension must be .${FILE_TYPES[result.kind].extensions[0]}`;
  return null;
}
