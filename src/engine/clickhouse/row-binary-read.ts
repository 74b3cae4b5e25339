/**
 * Reading ClickHouse's RowBinary output: every value exactly as the server holds it (its text output of
 * floating-point numbers is not DuckDB's), as the text DuckDB casts back to the same value of the same type.
 */

/** Reads one value of a row as text (NULL as null); throws NEED_MORE when the bytes end inside it. */
type Decode = (r: ByteReader) => string | null;

const NEED_MORE = Symbol('need more bytes');

class ByteReader {
  at = 0;
  constructor(readonly buf: Buffer) {}

  take(n: number): number {
    if (this.at + n > this.buf.length) throw NEED_MORE;
    const start = this.at;
    this.at += n;
    return start;
  }
}

/** Text DuckDB reads back as the same double: the shortest round trip, keeping the sign of zero. */
function floatText(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

const FIXED: Record<string, [number, (b: Buffer, at: number) => string]> = {
  Int8: [1, (b, at) => String(b.readInt8(at))],
  Int16: [2, (b, at) => String(b.readInt16LE(at))],
  Int32: [4, (b, at) => String(b.readInt32LE(at))],
  Int64: [8, (b, at) => b.readBigInt64LE(at).toString()],
  UInt8: [1, (b, at) => String(b.readUInt8(at))],
  UInt16: [2, (b, at) => String(b.readUInt16LE(at))],
  UInt32: [4, (b, at) => String(b.readUInt32LE(at))],
  UInt64: [8, (b, at) => b.readBigUInt64LE(at).toString()],
  Float32: [4, (b, at) => floatText(b.readFloatLE(at))],
  Float64: [8, (b, at) => floatText(b.readDoubleLE(at))],
};

/** A decoder for a ClickHouse column type: (Nullable of) Int*, UInt*, Float*, String, Decimal(P, S). */
export function decoderFor(type: string): Decode {
  const nullable = /^Nullable\((.*)\)$/.exec(type);
  if (nullable) {
    const inner = decoderFor(nullable[1]);
    return (r) => (r.buf[r.take(1)] === 1 ? null : inner(r));
  }
  const fixed = FIXED[type];
  if (fixed) {
    const [size, read] = fixed;
    return (r) => read(r.buf, r.take(size));
  }
  if (type === 'String') {
    return (r) => {
      let n = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = r.buf[r.take(1)];
        n += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
      }
      const at = r.take(n);
      return r.buf.toString('utf8', at, at + n);
    };
  }
  const decimal = /^Decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) {
    const digits = Number(decimal[1]);
    const scale = Number(decimal[2]);
    const size = digits <= 9 ? 4 : digits <= 18 ? 8 : 16;
    return (r) => {
      const at = r.take(size);
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(r.buf[at + i]);
      return decimalText(BigInt.asIntN(size * 8, v), scale);
    };
  }
  throw new Error(`no RowBinary decoding for the ClickHouse type ${type}`);
}

function decimalText(v: bigint, scale: number): string {
  const sign = v < 0n ? '-' : '';
  const digits = (v < 0n ? -v : v).toString().padStart(scale + 1, '0');
  return scale === 0 ? sign + digits : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * Turns a RowBinary byte stream into column chunks of text (one array per column): rows split across
 * the stream's pieces are completed from the next piece.
 */
export class RowBinaryReader {
  private rest: Buffer = Buffer.alloc(0);
  private readonly decoders: Decode[];

  constructor(types: readonly string[]) {
    this.decoders = types.map(decoderFor);
  }

  /** The whole rows in `piece` (and what was left of the previous one), as text columns. */
  push(piece: Buffer): { columns: (string | null)[][]; rows: number } {
    const r = new ByteReader(this.rest.length ? Buffer.concat([this.rest, piece]) : piece);
    const columns: (string | null)[][] = this.decoders.map(() => []);
    let rows = 0;
    for (;;) {
      const start = r.at;
      if (start === r.buf.length) break;
      try {
        for (let c = 0; c < this.decoders.length; c++) columns[c].push(this.decoders[c](r));
        rows++;
      } catch (err) {
        if (err !== NEED_MORE) throw err;
        for (const col of columns) col.length = rows;
        r.at = start;
        break;
      }
    }
    this.rest = Buffer.from(r.buf.subarray(r.at));
    return { columns, rows };
  }

  /** The stream ended: bytes left mean a truncated row. */
  end(): void {
    if (this.rest.length) throw new Error(`the server's RowBinary stream ended inside a row (${this.rest.length} bytes left: ${JSON.stringify(this.rest.toString("latin1").slice(0, 300))})`);
  }
}
