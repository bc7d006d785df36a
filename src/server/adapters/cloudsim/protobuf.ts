/**
 * Just enough protobuf for the WeChat open-API envelope wx-server-sdk sends (CommApiData with its
 * key/value pairs) and the reply it decodes (CommOpenApiResp). Field numbers are those of the SDK's
 * bundled openapi.proto.
 */

interface Field {
  no: number;
  wire: number;
  varint?: number;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos];
    pos += 1;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, p1);
      out.push({ no, wire, varint: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      out.push({ no, wire, bytes: buf.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else {
      throw new Error(`protobuf wire type ${wire} is not expected here`);
    }
  }
  return out;
}

export interface OpenApiCall {
  apiType: number;
  appid: string;
  /** The request's fields; the SDK sends each value as JSON text. */
  data: Record<string, unknown>;
}

/** CommApiData { apiType = 1; openapiData = 2 { repeated pairs = 1 { key = 1; value = 2 } }; appid = 6 } */
export function decodeCommApiData(buf: Buffer): OpenApiCall {
  const call: OpenApiCall = { apiType: 0, appid: '', data: {} };
  for (const f of fields(buf)) {
    if (f.no === 1) call.apiType = f.varint ?? 0;
    else if (f.no === 6) call.appid = f.bytes?.toString('utf8') ?? '';
    else if (f.no === 2 && f.bytes) {
      for (const pair of fields(f.bytes)) {
        if (pair.no !== 1 || !pair.bytes) continue;
        let key = '';
        let value = '';
        for (const kv of fields(pair.bytes)) {
          if (kv.no === 1) key = kv.bytes?.toString('utf8') ?? '';
          if (kv.no === 2) value = kv.bytes?.toString('utf8') ?? '';
        }
        call.data[key] = JSON.parse(value);
      }
    }
  }
  return call;
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function lengthDelimited(no: number, value: Buffer): Buffer {
  return Buffer.concat([varint(no * 8 + 2), varint(value.length), value]);
}

/** CommOpenApiResp { respData = 1; contentType = 2; errorCode = 3; httpCode = 4 } */
export function encodeCommOpenApiResp(r: { respData: Buffer; contentType: string; errorCode?: number; httpCode?: number }): Buffer {
  const parts = [lengthDelimited(1, r.respData), lengthDelimited(2, Buffer.from(r.contentType))];
  if (r.errorCode) parts.push(varint(3 * 8), varint(r.errorCode));
  parts.push(varint(4 * 8), varint(r.httpCode ?? 200));
  return Buffer.concat(parts);
}
