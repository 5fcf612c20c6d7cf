// Test-only: where an underscore lands. Given two screenshots of the same
// picture, one with a label that has underscores and one with spaces in
// their place, finds the pixels that differ (the underscores) and prints
// "ROW BRIGHTEST BELOW": the lowest row they occupy, the brightest green
// there (white text on a red frame shows as green), and the green of the
// pixel just below (the frame's fill if the underscore is inside the box,
// the light border or gap if it touches the edge).
// usage: node underline.js WITH.png WITHOUT.png
"use strict";
const fs = require("fs"), zlib = require("zlib");
function decode(path) {
  const b = fs.readFileSync(path);
  let pos = 8, w, h, ct, idat = [];
  while (pos < b.length) {
    const len = b.readUInt32BE(pos), type = b.toString("ascii", pos + 4, pos + 8), data = b.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") { w = data.readUInt32BE(0); h = data.readUInt32BE(4); ct = data[9]; }
    if (type === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const bpp = ct === 6 ? 4 : 3, raw = zlib.inflateSync(Buffer.concat(idat)), stride = w * bpp;
  const px = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0, up = y ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y ? px[(y - 1) * stride + x - bpp] : 0;
      let v = line[x];
      if (f === 1) v += a; else if (f === 2) v += up; else if (f === 3) v += (a + up) >> 1;
      else if (f === 4) { const p = a + up - c, pa = Math.abs(p - a), pb = Math.abs(p - up), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c; }
      px[y * stride + x] = v & 255;
    }
  }
  return { w, h, bpp, px };
}
const A = decode(process.argv[2]), B = decode(process.argv[3]);
let row = -1, col = -1;
for (let i = 0; i < A.w * A.h; i++) {
  const a = i * A.bpp;
  if (A.px[a] !== B.px[a] || A.px[a + 1] !== B.px[a + 1] || A.px[a + 2] !== B.px[a + 2]) {
    row = Math.floor(i / A.w);
    col = i % A.w;
  }
}
if (row < 0) {
  console.log("none");
} else {
  let bright = 0;
  for (let x = 0; x < A.w; x++) {
    const a = (row * A.w + x) * A.bpp;
    if (A.px[a + 1] !== B.px[a + 1]) bright = Math.max(bright, A.px[a + 1]);
  }
  console.log(row + " " + bright + " " + A.px[((row + 1) * A.w + col) * A.bpp + 1]);
}
