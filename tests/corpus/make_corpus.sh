#!/bin/sh
# Builds the full conformance corpus from Debian-shipped images and compares our decoders with the system ones.
#   tests/corpus/make_corpus.sh [OUT_DIR] [SOURCES]      (defaults: /tmp/vae-corpus, 16 source images)
# Installs the reference tools, builds the CLI in Release, writes OUT_DIR/<file> + <file>.ref.pam, then prints one
# line per mismatch and a JSON summary. The small committed subset in tests/VaeWorkbench.Imaging.Tests/TestData/corpus
# was made with: make_corpus.py DIR --max-sources 2 --sizes 37x29,23x17 (JPEG files then removed).
set -eu
out="${1:-/tmp/vae-corpus}"
sources="${2:-16}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
apt-get -o DPkg::Lock::Timeout=600 install -y netpbm python3-pil python3-numpy libjpeg-turbo-progs adwaita-icon-theme >/dev/null
dotnet build -c Release "$root/src/VaeWorkbench.Cli" >/dev/null
rm -rf "$out"
/usr/bin/python3 "$root/tests/corpus/make_corpus.py" "$out" --max-sources "$sources"
exec /usr/bin/python3 "$root/tests/corpus/compare_corpus.py" "$out" "$root/src/VaeWorkbench.Cli/bin/Release/net9.0/linux-x64/vae"
