#!/usr/bin/python3
"""Builds the imaging conformance corpus from images shipped by Debian packages.

Every image is written in many encodings (Pillow and netpbm: PNG at every colour type, bit depth and interlace,
BMP, PNM, GIF, JPEG with cjpeg), and for each a reference decode is written beside it as <file>.ref.pam, made by
the system decoders: libpng through pngtopnm for PNG, netpbm for PNM, Pillow for BMP and GIF, djpeg for JPEG.

usage: make_corpus.py OUT_DIR [--max-sources N] [--sizes 37x29,23x17]
  --sizes resizes the sources (cycling through the list) and leaves out the originals: that makes the small
  subset committed as test data (tests/VaeWorkbench.Imaging.Tests/TestData/corpus, JPEG files removed).
Needs: apt-get install -y netpbm python3-pil python3-numpy libjpeg-turbo-progs adwaita-icon-theme
"""
import glob, io, os, random, subprocess, sys
import numpy as np
from PIL import Image

def run(cmd, data=None):
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout

def read_pnm(data):
    """Parses PNM/PAM bytes into (array HxWxC of uint16, maxval)."""
    if data[:2] == b'P7':
        header, _, raster = data.partition(b'ENDHDR\n')
        fields = dict(line.split(None, 1) for line in header.decode().splitlines()[1:] if line and not line.startswith('#') and ' ' in line)
        w, h, d, m = (int(fields[k]) for k in ('WIDTH', 'HEIGHT', 'DEPTH', 'MAXVAL'))
    else:
        kind = data[1:2]
        tokens, pos = [], 2
        need = 2 if kind in (b'1', b'4') else 3
        while len(tokens) < need:
            while data[pos:pos+1].isspace(): pos += 1
            if data[pos:pos+1] == b'#':
                while data[pos:pos+1] not in (b'\n', b'\r'): pos += 1
                continue
            start = pos
            while not data[pos:pos+1].isspace(): pos += 1
            tokens.append(int(data[start:pos]))
        w, h = tokens[0], tokens[1]
        m = tokens[2] if need == 3 else 1
        d = 3 if kind in (b'3', b'6') else 1
        if kind in (b'1', b'2', b'3'):
            values = np.array(data[pos:].split(), dtype=np.uint32) if kind != b'1' else np.array([1 - int(c) for c in data[pos:].decode() if c in '01'])
            return values.reshape(h, w, d).astype(np.uint16), m
        raster = data[pos + 1:]
        if kind == b'4':
            bits = np.unpackbits(np.frombuffer(raster, np.uint8).reshape(h, -1), axis=1)[:, :w]
            return (1 - bits).reshape(h, w, 1).astype(np.uint16), 1
    dtype = np.dtype('>u2') if m > 255 else np.uint8
    arr = np.frombuffer(raster, dtype=dtype, count=w * h * d).reshape(h, w, d)
    return arr.astype(np.uint16), m

def pam_bytes(arr, maxval):
    h, w, d = arr.shape
    tuple_type = {1: 'GRAYSCALE', 2: 'GRAYSCALE_ALPHA', 3: 'RGB', 4: 'RGB_ALPHA'}[d]
    header = f'P7\nWIDTH {w}\nHEIGHT {h}\nDEPTH {d}\nMAXVAL {maxval}\nTUPLTYPE {tuple_type}\nENDHDR\n'.encode()
    return header + arr.astype('>u2' if maxval > 255 else np.uint8).tobytes()

def png_reference(path):
    """libpng's decode via pngtopnm: colour (PGM/PPM at the PNG's own maxval) plus its alpha channel."""
    colour, m = read_pnm(run(['pngtopnm', path]))
    alpha, am = read_pnm(run(['pngtopnm', '-alpha', path]))
    if am != m:
        alpha = (alpha.astype(np.uint32) * m // am).astype(np.uint16)
    with open(path, 'rb') as f: head = f.read(64)
    if head[25] == 2 and b'tRNS' in head and head[24] == 8:
        # pngtopnm -alpha (Netpbm 11.1) reports every pixel of an RGB image with a tRNS colour key as opaque,
        # against the PNG spec; take that alpha from Pillow, which applies the key (libpng's png_set_tRNS_to_alpha does too).
        alpha = (np.asarray(Image.open(path).convert('RGBA'), dtype=np.uint16)[:, :, 3:] * m // 255).astype(np.uint16)
    return np.concatenate([colour, alpha], axis=2), m

def pillow_reference(path):
    im = Image.open(path)
    im.seek(0)
    mode = {'1': 'L', 'L': 'L', 'P': 'RGBA' if 'transparency' in im.info else 'RGB', 'RGB': 'RGB', 'RGBA': 'RGBA', 'LA': 'LA'}.get(im.mode, 'RGB')
    im = im.convert(mode)
    arr = np.asarray(im, dtype=np.uint16)
    if arr.ndim == 2: arr = arr[:, :, None]
    return arr, 255

def write(out, name, data, reference):
    path = os.path.join(out, name)
    with open(path, 'wb') as f: f.write(data)
    arr, m = reference(path)
    with open(path + '.ref.pam', 'wb') as f: f.write(pam_bytes(arr, m))

def pnm_of(im):
    b = io.BytesIO(); im.save(b, 'PPM' if im.mode == 'RGB' else 'PPM'); return b.getvalue()

def variants(out, stem, src, rng):
    rgba = src.convert('RGBA')
    rgb, grey = src.convert('RGB'), src.convert('L')
    ppm, pgm = pnm_of(rgb), pnm_of(grey)
    alpha_pgm = pnm_of(rgba.getchannel('A'))
    png = lambda im, **kw: (lambda b: (im.save(b, 'PNG', **kw), b.getvalue())[1])(io.BytesIO())
    def emit(name, data, ref=png_reference): write(out, f'{stem}-{name}', data, ref)

    # Pillow PNG: the 8-bit colour types, palettes of 1/2/4/8 bits, 1-bit and 16-bit grey.
    emit('L8.png', png(grey))
    emit('LA8.png', png(src.convert('LA')))
    emit('RGB8.png', png(rgb, compress_level=rng.choice([0, 1, 6, 9])))
    emit('RGBA8.png', png(rgba))
    for colours, bits in ((2, 1), (4, 2), (16, 4), (256, 8)):
        emit(f'P{bits}.png', png(rgb.quantize(colours), bits=bits))
    q = rgba.quantize(16)
    emit('P4-trns.png', png(q, transparency=0, bits=4))
    emit('G1.png', png(grey.convert('1')))
    g16 = Image.fromarray((np.asarray(grey, dtype=np.uint16) * 257 + rng.randrange(0, 200)).astype(np.uint16))
    emit('L16.png', png(g16))

    # netpbm PNG: Adam7, 16-bit RGB(A), 2/4-bit grey, tRNS colour keys, every filter.
    interlace = ['-interlace']
    emit('RGB8-adam7.png', run(['pnmtopng', *interlace], ppm))
    rgb16 = run(['pamdepth', '65535'], ppm)
    emit('RGB16.png', run(['pnmtopng', rng.choice(['-paeth', '-sub', '-up', '-avg', '-nofilter'])], rgb16))
    emit('RGB16-adam7.png', run(['pnmtopng', *interlace], rgb16))
    alpha16 = os.path.join(out, f'.{stem}-alpha16.pgm')
    with open(alpha16, 'wb') as f: f.write(run(['pamdepth', '65535'], alpha_pgm))
    emit('RGBA16.png', run(['pnmtopng', f'-alpha={alpha16}'], rgb16))
    emit('LA16-adam7.png', run(['pnmtopng', *interlace, f'-alpha={alpha16}'], run(['pamdepth', '65535'], pgm)))
    alpha8 = os.path.join(out, f'.{stem}-alpha8.pgm')
    with open(alpha8, 'wb') as f: f.write(alpha_pgm)
    emit('RGBA8-adam7.png', run(['pnmtopng', *interlace, '-force', f'-alpha={alpha8}'], ppm))
    for maxval, bits in ((1, 1), (3, 2), (15, 4)):
        emit(f'G{bits}-adam7.png', run(['pnmtopng', '-interlace', '-force'], run(['pamdepth', str(maxval)], pgm)))
        emit(f'G{bits}.png', run(['pnmtopng', '-force'], run(['pamdepth', str(maxval)], pgm)))
    r, g, b = rgb.getpixel((0, 0))
    emit('RGB8-trns.png', run(['pnmtopng', '-force', f'-transparent=rgb:{r:02x}/{g:02x}/{b:02x}'], ppm))
    v = grey.getpixel((0, 0))
    emit('L8-trns-adam7.png', run(['pnmtopng', '-force', '-interlace', f'-transparent=rgb:{v:02x}/{v:02x}/{v:02x}'], pgm))
    emit('L16-trns.png', run(['pnmtopng', '-force', f'-transparent=rgb:{v:02x}/{v:02x}/{v:02x}'], run(['pamdepth', '65535'], pgm)))
    emit('auto.png', run(['pnmtopng', rng.choice(['-paeth', '-sub', '-up', '-avg', '-nofilter', '-compression=1'])], ppm))

    # BMP: Pillow (1, 8 grey, 8 palette, 24, 32) and netpbm (4-bit, OS/2), plus a top-down copy.
    def bmp(im): b = io.BytesIO(); im.save(b, 'BMP'); return b.getvalue()
    emit('1.bmp', bmp(grey.convert('1')), pillow_reference)
    emit('8grey.bmp', bmp(grey), pillow_reference)
    emit('8pal.bmp', bmp(rgb.quantize(256)), pillow_reference)
    emit('24.bmp', bmp(rgb), pillow_reference)
    emit('32.bmp', bmp(rgba), pillow_reference)
    emit('4.bmp', run(['ppmtobmp', '-bpp', '4'], run(['pnmquant', '16'], ppm)), pillow_reference)
    emit('24-os2.bmp', run(['ppmtobmp', '-os2', '-bpp', '24'], ppm), pillow_reference)
    emit('24-topdown.bmp', top_down(bmp(rgb)), pillow_reference)

    # PNM: binary and plain, 8 and 16 bits; netpbm's own decode as the reference.
    pnm_ref = lambda path: read_pnm(run(['pamtopam'], open(path, 'rb').read()))
    emit('P6.ppm', ppm, pnm_ref)
    emit('P5.pgm', pgm, pnm_ref)
    emit('P3.ppm', run(['pnmtoplainpnm'], run(['pamdepth', '1000'], ppm)), pnm_ref)
    emit('P2.pgm', run(['pnmtoplainpnm'], pgm), pnm_ref)
    emit('P6-16.ppm', rgb16, pnm_ref)
    emit('P5-16.pgm', run(['pamdepth', '65535'], pgm), pnm_ref)

    # GIF first frame (Pillow writes interlaced GIFs by default).
    def gif(im, **kw): b = io.BytesIO(); im.save(b, 'GIF', **kw); return b.getvalue()
    emit('interlaced.gif', gif(rgb.quantize(256)), pillow_reference)
    emit('trns.gif', gif(rgba.quantize(64), transparency=0, interlace=False), pillow_reference)

    # JPEG via cjpeg, compared by PSNR (djpeg is the reference).
    jpeg_ref = lambda path: read_pnm(run(['djpeg', '-pnm', path]))
    for name, args in (('q90-444.jpg', ['-quality', '90', '-sample', '1x1']), ('q75-420.jpg', ['-quality', '75']),
                       ('q50-422-prog.jpg', ['-quality', '50', '-sample', '2x1', '-progressive']),
                       ('q85-440-rst.jpg', ['-quality', '85', '-sample', '1x2', '-restart', '1']),
                       ('grey.jpg', ['-grayscale', '-quality', '80'])):
        emit(name, run(['cjpeg', *args], ppm), jpeg_ref)

def top_down(bmp):
    """Rewrites a bottom-up 24-bit BMP as top-down: negative height, rows in reading order."""
    off = int.from_bytes(bmp[10:14], 'little')
    w = int.from_bytes(bmp[18:22], 'little', signed=True); h = int.from_bytes(bmp[22:26], 'little', signed=True)
    stride = (w * 3 + 3) // 4 * 4
    rows = [bmp[off + i * stride: off + (i + 1) * stride] for i in range(h)]
    return bmp[:22] + (-h).to_bytes(4, 'little', signed=True) + bmp[26:off] + b''.join(reversed(rows))

def sources(max_sources, rng):
    paths = sorted(set(glob.glob('/usr/share/icons/**/*.png', recursive=True) + glob.glob('/usr/share/doc/**/*.png', recursive=True)
                       + glob.glob('/usr/share/backgrounds/**/*.jpg', recursive=True) + glob.glob('/usr/share/pixmaps/**/*.png', recursive=True)))
    paths = [p for p in paths if os.path.getsize(p) > 3000]
    rng.shuffle(paths)
    return paths[:max_sources]

def main():
    out = sys.argv[1]
    max_sources = int(sys.argv[sys.argv.index('--max-sources') + 1]) if '--max-sources' in sys.argv else 8
    size = [tuple(int(v) for v in s.split('x')) for s in sys.argv[sys.argv.index('--sizes') + 1].split(',')] if '--sizes' in sys.argv else None
    os.makedirs(out, exist_ok=True)
    rng = random.Random(1234)
    for i, path in enumerate(sources(max_sources, rng)):
        src = Image.open(path)
        src.load()
        if size is not None:  # the small committed test subset: odd sizes exercise Adam7 and row padding edges
            src = src.convert('RGBA').resize(size[i % len(size)], Image.LANCZOS)
        elif max(src.size) > 320:  # keep the corpus quick to decode; the speed test uses its own large image
            src = src.convert('RGBA'); src.thumbnail((320, 320))
        stem = f'{i:03d}-{os.path.splitext(os.path.basename(path))[0][:20]}'
        try:
            variants(out, stem, src, rng)
        except subprocess.CalledProcessError as e:
            print(f'{path}: {e}', file=sys.stderr)
        # The PNG originals as shipped are part of the corpus too (the JPEG wallpapers are too big to keep).
        if path.endswith('.png') and size is None:
            with open(path, 'rb') as f: write(out, f'{stem}-original.png', f.read(), png_reference)
    # GIFs as shipped (not written by Pillow): the first frame against Pillow's.
    if size is None:
        for j, path in enumerate(sorted(glob.glob('/usr/share/doc/**/*.gif', recursive=True))[:40]):
            with open(path, 'rb') as f: write(out, f'gif{j:03d}-{os.path.basename(path)[:24]}', f.read(), pillow_reference)
    for stray in glob.glob(os.path.join(out, '.*.pgm')): os.remove(stray)
    print(len(glob.glob(os.path.join(out, '*.ref.pam'))), 'files in', out)

if __name__ == '__main__':
    main()
