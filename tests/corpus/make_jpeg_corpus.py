#!/usr/bin/python3
"""Builds the JPEG conformance corpus: real images from Debian packages, encoded by libjpeg-turbo's cjpeg (and by
Pillow, for EXIF orientation) in many modes, each with the reference decode from djpeg -pnm.

Needs: apt-get install -y libjpeg-turbo-progs python3-pil gnome-backgrounds mate-backgrounds
Usage: /usr/bin/python3 tests/corpus/make_jpeg_corpus.py OUT_DIR            (full corpus, 200+ files)
       /usr/bin/python3 tests/corpus/make_jpeg_corpus.py --subset OUT_DIR   (small files committed as test data)
Writes OUT_DIR/manifest.tsv: jpeg file, reference PNM, description. For EXIF files the reference is djpeg's output
with the orientation applied by Pillow (djpeg itself ignores EXIF).
"""
import glob
import io
import os
import struct
import subprocess
import sys

from PIL import Image

SOURCES = sorted(
    glob.glob('/usr/share/backgrounds/**/*.jpg', recursive=True)
    + glob.glob('/usr/share/backgrounds/**/*.png', recursive=True)
    + glob.glob('/usr/share/backgrounds/**/*.webp', recursive=True)
    + glob.glob('/usr/share/icons/Adwaita/512x512/**/*.png', recursive=True)[:6]
    + glob.glob('/usr/share/pixmaps/*.png'))

# (name, cjpeg arguments)
VARIANTS = [
    ('q75', ['-quality', '75']),
    ('q90_420', ['-quality', '90', '-sample', '2x2']),
    ('q95_444', ['-quality', '95', '-sample', '1x1']),
    ('q85_422', ['-quality', '85', '-sample', '2x1']),
    ('q85_440', ['-quality', '85', '-sample', '1x2']),
    ('q50_prog', ['-quality', '50', '-progressive']),
    ('q92_prog_444', ['-quality', '92', '-progressive', '-sample', '1x1']),
    ('q80_prog_422', ['-quality', '80', '-progressive', '-sample', '2x1']),
    ('q88_prog_440', ['-quality', '88', '-progressive', '-sample', '1x2']),
    ('q70_rst1', ['-quality', '70', '-restart', '1']),
    ('q90_rst7_prog', ['-quality', '90', '-restart', '7', '-progressive']),
    ('q80_rst2rows', ['-quality', '80', '-restart', '2B']),
    ('q60_grey', ['-quality', '60', '-grayscale']),
    ('q90_grey_prog', ['-quality', '90', '-grayscale', '-progressive']),
    ('q75_opt', ['-quality', '75', '-optimize']),
    ('q100', ['-quality', '100']),
    ('q20', ['-quality', '20']),
    ('q90_rgb', ['-quality', '90', '-rgb']),
    ('q85_420_h2v2luma', ['-quality', '85', '-sample', '2x2,2x1,1x2']),
    ('q85_mixed', ['-quality', '85', '-sample', '2x1,1x1,1x1', '-restart', '3']),
    ('q85_411', ['-quality', '85', '-sample', '4x1']),
    ('q85_h3', ['-quality', '85', '-sample', '3x2', '-progressive']),
    ('q85_cross', ['-quality', '85', '-sample', '2x2,1x2,2x1']),
    ('q80_grey_rst', ['-quality', '80', '-grayscale', '-restart', '5B', '-optimize']),
    ('q85_seq_scans', ['-quality', '85', '-scans', '{sequential_scans}']),
    ('q85_prog_scans', ['-quality', '85', '-scans', '{progressive_scans}', '-restart', '1']),
]

# One baseline scan per component (non-interleaved sequential), and a progressive script with three-step DC and
# AC successive approximation over split bands.
SCAN_SCRIPTS = {
    'sequential_scans': '0;\n1;\n2;\n',
    'progressive_scans': '0,1,2: 0-0, 0, 2;\n0,1,2: 0-0, 2, 1;\n0: 1-2, 0, 3;\n0: 3-63, 0, 2;\n1: 1-63, 0, 0;\n'
                         '0: 1-2, 3, 2;\n2: 1-63, 0, 1;\n0: 1-63, 2, 1;\n0,1,2: 0-0, 1, 0;\n2: 1-63, 1, 0;\n0: 1-63, 1, 0;\n',
}

FULL_WIDTHS = [1024, 640, 333, 97, 1280, 200, 801, 57, 3]
SUBSET_SIZES = [(40, 32), (33, 19), (1, 1)]


def run(args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, **kw).stdout


def djpeg(path):
    return run(['djpeg', '-pnm', path])


def orient(pnm_bytes, orientation):
    """Applies an EXIF orientation the way Pillow's ImageOps.exif_transpose does."""
    im = Image.open(io.BytesIO(pnm_bytes))
    op = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
          5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}.get(orientation)
    if op is not None:
        im = im.transpose(op)
    out = io.BytesIO()
    im.save(out, format='PPM')
    return out.getvalue()


def big_endian_exif(orientation):
    """An APP1 segment with a Motorola-order (MM) TIFF header and one IFD0 entry: Orientation."""
    tiff = b'MM' + struct.pack('>HI', 42, 8) + struct.pack('>H', 1)
    tiff += struct.pack('>HHIHH', 0x0112, 3, 1, orientation, 0) + struct.pack('>I', 0)
    payload = b'Exif\0\0' + tiff
    return b'\xff\xe1' + struct.pack('>H', len(payload) + 2) + payload


class Corpus:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.rows = []
        os.makedirs(out_dir, exist_ok=True)

    def add(self, name, jpeg_bytes, reference, description):
        jpeg_name, ref_name = name + '.jpg', name + ('.pgm' if reference.startswith(b'P5') else '.ppm')
        with open(os.path.join(self.out_dir, jpeg_name), 'wb') as f:
            f.write(jpeg_bytes)
        with open(os.path.join(self.out_dir, ref_name), 'wb') as f:
            f.write(reference)
        self.rows.append((jpeg_name, ref_name, description))

    def add_cjpeg(self, name, ppm_path, args, description):
        args = [self.script(a[1:-1]) if a.startswith('{') else a for a in args]
        jpeg = run(['cjpeg'] + args + [ppm_path])
        tmp = os.path.join(self.out_dir, '_tmp.jpg')
        with open(tmp, 'wb') as f:
            f.write(jpeg)
        self.add(name, jpeg, djpeg(tmp), description)

    def script(self, name):
        path = os.path.join(self.out_dir, f'_{name}.txt')
        with open(path, 'w') as f:
            f.write(SCAN_SCRIPTS[name])
        return path

    def add_exif(self, name, im, orientation, big_endian, description):
        buf = io.BytesIO()
        if big_endian:
            im.save(buf, format='JPEG', quality=90)
            data = buf.getvalue()
            data = data[:2] + big_endian_exif(orientation) + data[2:]
        else:
            exif = Image.Exif()
            exif[0x0112] = orientation
            im.save(buf, format='JPEG', quality=90, exif=exif.tobytes())
            data = buf.getvalue()
        tmp = os.path.join(self.out_dir, '_tmp.jpg')
        with open(tmp, 'wb') as f:
            f.write(data)
        self.add(name, data, orient(djpeg(tmp), orientation), description)

    def finish(self):
        for tmp in ['_tmp.jpg', '_src.ppm'] + [f'_{name}.txt' for name in SCAN_SCRIPTS]:
            path = os.path.join(self.out_dir, tmp)
            if os.path.exists(path):
                os.remove(path)
        with open(os.path.join(self.out_dir, 'manifest.tsv'), 'w') as f:
            for row in self.rows:
                f.write('\t'.join(row) + '\n')
        print(f'{len(self.rows)} files in {self.out_dir}')


def load(path, width, height=None):
    im = Image.open(path).convert('RGB')
    if height is None:
        height = max(1, round(im.height * width / im.width))
    return im.resize((width, height), Image.Resampling.LANCZOS)


def main():
    subset = sys.argv[1] == '--subset'
    out_dir = sys.argv[2] if subset else sys.argv[1]
    corpus = Corpus(out_dir)
    src_ppm = os.path.join(out_dir, '_src.ppm')
    if subset:
        for i, (w, h) in enumerate(SUBSET_SIZES):
            im = load(SOURCES[i * 7 % len(SOURCES)], w, h)
            im.save(src_ppm)
            for name, args in VARIANTS:
                corpus.add_cjpeg(f'{w}x{h}_{name}', src_ppm, args, f'cjpeg {" ".join(args)}')
        im = load(SOURCES[3], 24, 16)
        for orientation in range(1, 9):
            corpus.add_exif(f'exif_ii_{orientation}', im, orientation, False, f'Pillow, EXIF II orientation {orientation}')
        for orientation in (3, 6):
            corpus.add_exif(f'exif_mm_{orientation}', im, orientation, True, f'Pillow + MM EXIF orientation {orientation}')
    else:
        for i, path in enumerate(SOURCES):
            im = load(path, FULL_WIDTHS[i % len(FULL_WIDTHS)])
            im.save(src_ppm)
            stem = os.path.splitext(os.path.basename(path))[0]
            # Every source gets a rotating selection of 6 encodings, so all variants meet many images.
            for j in range(6):
                name, args = VARIANTS[(i * 6 + j) % len(VARIANTS)]
                corpus.add_cjpeg(f'{i:03}_{stem}_{name}', src_ppm, args, f'{path} w={im.width} cjpeg {" ".join(args)}')
            if i % 3 == 0:
                orientation = 1 + i // 3 % 8
                corpus.add_exif(f'{i:03}_{stem}_exif{orientation}', im, orientation, i % 2 == 1,
                                f'{path} Pillow EXIF orientation {orientation}')
            if path.endswith('.jpg'):
                # The packaged JPEG itself, as its own encoder wrote it.
                with open(path, 'rb') as f:
                    corpus.add(f'{i:03}_{stem}_original', f.read(), djpeg(path), f'{path} as shipped')
    corpus.finish()


if __name__ == '__main__':
    main()
