import { crc32, deflateSync } from 'node:zlib';

/**
 * Small files of every attachment type, built byte by byte so tests need no binary fixtures.
 * PNG, GIF, PDF and the Office files are complete, valid files; JPEG and WebP carry real headers
 * (what the sniffer reads) around placeholder image data.
 */

const u16be = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u16le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u24le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** A valid RGB PNG of the given size, one colour. */
export function pngBytes(width: number, height: number, rgb: [number, number, number] = [200, 40, 40]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
  };
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => rgb[i % 3]!)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])])),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG whose header claims `width`×`height` (up to 2³²−1 each) over one row of pixel data: what a hostile upload sends. */
export function pngHeaderClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])])),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid GIF89a of the given size, one colour (LZW with a clear code before every pixel). */
export function gifBytes(width: number, height: number): Buffer {
  const codes: number[] = [];
  for (let i = 0; i < width * height; i++) codes.push(4, 0);
  codes.push(5);
  const packed: number[] = [];
  let bits = 0;
  let nbits = 0;
  for (const code of codes) {
    bits |= code << nbits;
    nbits += 3;
    while (nbits >= 8) {
      packed.push(bits & 0xff);
      bits >>= 8;
      nbits -= 8;
    }
  }
  if (nbits > 0) packed.push(bits & 0xff);
  const blocks: Buffer[] = [];
  for (let i = 0; i < packed.length; i += 255) {
    const part = packed.slice(i, i + 255);
    blocks.push(Buffer.from([part.length, ...part]));
  }
  return Buffer.concat([
    Buffer.from('GIF89a', 'ascii'),
    u16le(width),
    u16le(height),
    Buffer.from([0x81, 0, 0]), // global colour table of 4 entries
    Buffer.from([0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255]),
    Buffer.from([0x2c]),
    u16le(0),
    u16le(0),
    u16le(width),
    u16le(height),
    Buffer.from([0, 2]), // no local table; LZW minimum code size 2
    ...blocks,
    Buffer.from([0, 0x3b]),
  ]);
}

/** A JPEG's structure (SOI, optional EXIF orientation, DQT, SOF0, SOS, EOI) with placeholder data. */
export function jpegBytes(width: number, height: number, opts: { orientation?: number; exifPadding?: number } = {}): Buffer {
  const segment = (marker: number, data: Buffer) => Buffer.concat([Buffer.from([0xff, marker]), u16be(data.length + 2), data]);
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  parts.push(segment(0xe0, Buffer.concat([Buffer.from('JFIF\0', 'ascii'), Buffer.from([1, 1, 0]), u16be(1), u16be(1), Buffer.from([0, 0])])));
  if (opts.orientation) {
    // Big-endian TIFF header, IFD0 at 8 with one entry: Orientation (SHORT, 1 value).
    const tiff = Buffer.concat([
      Buffer.from('MM', 'ascii'),
      u16be(42),
      u32be(8),
      u16be(1),
      u16be(0x0112),
      u16be(3),
      u32be(1),
      u16be(opts.orientation),
      u16be(0),
      u32be(0),
    ]);
    parts.push(segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'ascii'), tiff, Buffer.alloc(opts.exifPadding ?? 0)])));
  }
  parts.push(segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])));
  parts.push(segment(0xc0, Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([1, 1, 0x11, 0])])));
  parts.push(segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])));
  parts.push(Buffer.from([0x12, 0x34, 0x56, 0xff, 0xd9]));
  return Buffer.concat(parts);
}

/** WebP headers: lossy (VP8), lossless (VP8L) or extended (VP8X). */
export function webpBytes(width: number, height: number, variant: 'VP8' | 'VP8L' | 'VP8X' = 'VP8'): Buffer {
  let chunk: Buffer;
  if (variant === 'VP8') {
    const data = Buffer.concat([Buffer.from([0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a]), u16le(width), u16le(height), Buffer.alloc(8)]);
    chunk = Buffer.concat([Buffer.from('VP8 ', 'ascii'), u32le(data.length), data]);
  } else if (variant === 'VP8L') {
    const w = width - 1;
    const h = height - 1;
    const bits = w | (h << 14); // alpha and version bits 0
    const data = Buffer.concat([Buffer.from([0x2f]), u32le(bits), Buffer.alloc(8)]);
    chunk = Buffer.concat([Buffer.from('VP8L', 'ascii'), u32le(data.length), data]);
  } else {
    const data = Buffer.concat([Buffer.from([0x10, 0, 0, 0]), u24le(width - 1), u24le(height - 1)]);
    chunk = Buffer.concat([Buffer.from('VP8X', 'ascii'), u32le(data.length), data]);
  }
  return Buffer.concat([Buffer.from('RIFF', 'ascii'), u32le(4 + chunk.length), Buffer.from('WEBP', 'ascii'), chunk]);
}

/** A one-page PDF with a line of text. */
export function pdfBytes(text = 'Invoice 42'): Buffer {
  const stream = `BT /F1 18 Tf 40 100 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A ZIP archive with stored (uncompressed) entries. */
export function zipBytes(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const common = Buffer.concat([
      u16le(20),
      u16le(0),
      u16le(0),
      u16le(0),
      u16le(0x21),
      u32le(crc),
      u32le(data.length),
      u32le(data.length),
      u16le(nameBytes.length),
      u16le(0),
    ]);
    const local = Buffer.concat([u32le(0x04034b50), common, nameBytes, data]);
    centrals.push(Buffer.concat([u32le(0x02014b50), u16le(20), common, u16le(0), u16le(0), u16le(0), u32le(0), u32le(offset), nameBytes]));
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const count = Object.keys(entries).length;
  const end = Buffer.concat([u32le(0x06054b50), u16le(0), u16le(0), u16le(count), u16le(count), u32le(directory.length), u32le(offset), u16le(0)]);
  return Buffer.concat([...locals, directory, end]);
}

/** A minimal Word document that Word opens. */
export function docxBytes(text = 'Quote for ACME'): Buffer {
  return zipBytes({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
  });
}

const contentTypes = (part: string, type: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/${part}" ContentType="application/vnd.openxmlformats-officedocument.${type}.main+xml"/></Types>`;

/** The parts that make a ZIP an Excel workbook: its content types name the main part, as Excel writes them. */
export function xlsxBytes(): Buffer {
  return zipBytes({
    '[Content_Types].xml': contentTypes('xl/workbook.xml', 'spreadsheetml.sheet'),
    'xl/workbook.xml': '<workbook/>',
    '_rels/.rels': '<Relationships/>',
  });
}

export function pptxBytes(): Buffer {
  return zipBytes({
    '[Content_Types].xml': contentTypes('ppt/presentation.xml', 'presentationml.presentation'),
    'ppt/presentation.xml': '<presentation/>',
    '_rels/.rels': '<Relationships/>',
  });
}
