using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>What one SOS header asks for: which components, and which part of the spectrum at which precision.</summary>
internal sealed record JpegScan(JpegComponent[] Components, int SpectralStart, int SpectralEnd, int ApproxHigh, int ApproxLow);

/// <summary>
/// Entropy-decodes one scan into the components' coefficient arrays: sequential (baseline) blocks, or one of the
/// four progressive passes (DC first/refine, AC first/refine), walking MCUs and restart intervals.
/// </summary>
internal unsafe ref struct JpegScanDecoder
{
    /// <summary>Zigzag index to natural (row-major) index, with 16 spare entries so corrupt run lengths stay in bounds.</summary>
    internal static ReadOnlySpan<byte> NaturalOrder =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    private enum Pass { Sequential, DcFirst, DcRefine, AcFirst, AcRefine }

    private JpegBitReader _reader;
    private readonly JpegFrame _frame;
    private readonly JpegScan _scan;
    private readonly Pass _pass;
    private int _endOfBandRun;

    private JpegScanDecoder(ReadOnlySpan<byte> data, int start, JpegFrame frame, JpegScan scan)
    {
        _reader = new JpegBitReader(data, start);
        _frame = frame;
        _scan = scan;
        _pass = !frame.Progressive ? Pass.Sequential
            : scan.SpectralStart == 0 ? (scan.ApproxHigh == 0 ? Pass.DcFirst : Pass.DcRefine)
            : scan.ApproxHigh == 0 ? Pass.AcFirst : Pass.AcRefine;
    }

    /// <summary>Decodes the scan whose entropy-coded data starts at <paramref name="start"/>; returns where it ends.</summary>
    public static int Decode(ReadOnlySpan<byte> data, int start, JpegFrame frame, JpegScan scan, int restartInterval)
    {
        var decoder = new JpegScanDecoder(data, start, frame, scan);
        decoder.DecodeMcus(restartInterval);
        return decoder._reader.Position;
    }

    private void DecodeMcus(int restartInterval)
    {
        var components = _scan.Components;
        foreach (var c in components) c.DcPredictor = 0;
        bool interleaved = components.Length > 1;
        var single = components[0];
        int mcusPerLine = interleaved ? _frame.McusPerLine : single.BlocksPerLine;
        int mcusPerColumn = interleaved ? _frame.McusPerColumn : single.BlocksPerColumn;
        long total = (long)mcusPerLine * mcusPerColumn;
        int restartsToGo = restartInterval;
        int nextRestart = 0;

        for (long mcu = 0; mcu < total; mcu++)
        {
            if (restartInterval > 0)
            {
                if (restartsToGo == 0)
                {
                    _reader.ReadRestartMarker(nextRestart);
                    nextRestart = (nextRestart + 1) & 7;
                    restartsToGo = restartInterval;
                    foreach (var c in components) c.DcPredictor = 0;
                    _endOfBandRun = 0;
                }

                restartsToGo--;
            }

            int mcuX = (int)(mcu % mcusPerLine);
            int mcuY = (int)(mcu / mcusPerLine);
            if (interleaved)
            {
                foreach (var c in components)
                {
                    for (int v = 0; v < c.V; v++)
                    {
                        for (int h = 0; h < c.H; h++)
                            DecodeBlock(c, mcuY * c.V + v, mcuX * c.H + h);
                    }
                }
            }
            else
            {
                DecodeBlock(single, mcuY, mcuX);
            }

            if (_reader.Overrun)
                throw new InvalidImageException(
                    $"JPEG scan data ends early at offset {_reader.Position}, in MCU {mcu} of {total}");
        }
    }

    private void DecodeBlock(JpegComponent component, int blockRow, int blockColumn)
    {
        short* block = component.CoefficientData + ((long)blockRow * component.BlocksPerLineAllocated + blockColumn) * 64;
        switch (_pass)
        {
            case Pass.Sequential: DecodeSequential(component, block); break;
            case Pass.DcFirst: DecodeDcFirst(component, block); break;
            case Pass.DcRefine: DecodeDcRefine(block); break;
            case Pass.AcFirst: DecodeAcFirst(component, block); break;
            default: DecodeAcRefine(component, block); break;
        }
    }

    private void DecodeSequential(JpegComponent component, short* block)
    {
        int s = _reader.DecodeHuffman(component.DcTable!);
        int dc = unchecked(component.DcPredictor + _reader.ReceiveExtend(s));
        component.DcPredictor = dc;
        block[0] = (short)dc;

        var ac = component.AcTable!;
        ReadOnlySpan<byte> natural = NaturalOrder;
        for (int k = 1; k < 64; k++)
        {
            int fast = _reader.DecodeFastAc(ac);
            if (fast != 0)
            {
                k += (fast >> 4) & 15;
                block[natural[k]] = (short)(fast >> 8);
                continue;
            }

            int rs = _reader.DecodeHuffman(ac);
            int run = rs >> 4;
            int size = rs & 15;
            if (size != 0)
            {
                k += run;
                block[natural[k]] = (short)_reader.ReceiveExtend(size);
            }
            else
            {
                if (run != 15) break;
                k += 15;
            }
        }
    }

    private void DecodeDcFirst(JpegComponent component, short* block)
    {
        int s = _reader.DecodeHuffman(component.DcTable!);
        int dc = unchecked(component.DcPredictor + _reader.ReceiveExtend(s));
        component.DcPredictor = dc;
        block[0] = (short)(dc << _scan.ApproxLow);
    }

    private void DecodeDcRefine(short* block)
    {
        if (_reader.GetBit() != 0) block[0] |= (short)(1 << _scan.ApproxLow);
    }

    private void DecodeAcFirst(JpegComponent component, short* block)
    {
        if (_endOfBandRun > 0)
        {
            _endOfBandRun--;
            return;
        }

        var ac = component.AcTable!;
        int end = _scan.SpectralEnd;
        int shift = _scan.ApproxLow;
        ReadOnlySpan<byte> natural = NaturalOrder;
        for (int k = _scan.SpectralStart; k <= end; k++)
        {
            int fast = _reader.DecodeFastAc(ac);
            if (fast != 0)
            {
                k += (fast >> 4) & 15;
                block[natural[k]] = (short)((fast >> 8) * (1 << shift));
                continue;
            }

            int rs = _reader.DecodeHuffman(ac);
            int run = rs >> 4;
            int size = rs & 15;
            if (size != 0)
            {
                k += run;
                block[natural[k]] = (short)(_reader.ReceiveExtend(size) * (1 << shift));
            }
            else if (run < 15)
            {
                _endOfBandRun = (1 << run) + _reader.GetBits(run) - 1;
                break;
            }
            else
            {
                k += 15;
            }
        }
    }

    /// <summary>Successive-approximation AC refinement, following libjpeg's decode_mcu_AC_refine.</summary>
    private void DecodeAcRefine(JpegComponent component, short* block)
    {
        int k = _scan.SpectralStart;
        int end = _scan.SpectralEnd;
        int plusOne = 1 << _scan.ApproxLow;
        int minusOne = -1 << _scan.ApproxLow;
        ReadOnlySpan<byte> natural = NaturalOrder;

        if (_endOfBandRun == 0)
        {
            var ac = component.AcTable!;
            for (; k <= end; k++)
            {
                int rs = _reader.DecodeHuffman(ac);
                int run = rs >> 4;
                int value = rs & 15;
                if (value != 0)
                {
                    // A newly non-zero coefficient is always ±1 at this bit position (libjpeg only warns otherwise).
                    value = _reader.GetBit() != 0 ? plusOne : minusOne;
                }
                else if (run != 15)
                {
                    _endOfBandRun = (1 << run) + _reader.GetBits(run);
                    break;
                }

                // Skip `run` zero coefficients, refining the non-zero ones passed on the way.
                do
                {
                    short* coefficient = block + natural[k];
                    if (*coefficient != 0)
                        RefineNonZero(coefficient, plusOne, minusOne);
                    else if (--run < 0)
                        break;
                    k++;
                } while (k <= end);

                if (value != 0) block[natural[k]] = (short)value;
            }
        }

        if (_endOfBandRun > 0)
        {
            // Most blocks in an end-of-band run have no non-zero AC coefficient at all, and so nothing to refine.
            if (HasNonZeroAc(block, Vector256.IsHardwareAccelerated))
            {
                for (; k <= end; k++)
                {
                    short* coefficient = block + natural[k];
                    if (*coefficient != 0) RefineNonZero(coefficient, plusOne, minusOne);
                }
            }

            _endOfBandRun--;
        }
    }

    internal static bool HasNonZeroAc(short* block, bool useVectors)
    {
        if (!useVectors)
        {
            for (int i = 1; i < 64; i++)
            {
                if (block[i] != 0) return true;
            }

            return false;
        }

        var acOnly = Vector256.Create((short)0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
        var any = (Vector256.Load(block) & acOnly) | Vector256.Load(block + 16) | Vector256.Load(block + 32) | Vector256.Load(block + 48);
        return any != Vector256<short>.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RefineNonZero(short* coefficient, int plusOne, int minusOne)
    {
        if (_reader.GetBit() != 0 && (*coefficient & plusOne) == 0)
            *coefficient = (short)(*coefficient + (*coefficient >= 0 ? plusOne : minusOne));
    }
}
