"""Generate the alert sounds: one short WAV per level, distinct by pitch, rhythm and urgency.

    .venv/bin/python resources/sounds/make_sounds.py   # rewrites the .wav files beside it

Deterministic (no noise), so the committed files can be rebuilt byte for byte. Mono 16-bit
22.05 kHz, each under a second: small enough to bundle, long enough to notice.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 22_050
HERE = Path(__file__).resolve().parent


def tone(freq: float, seconds: float, decay: float = 6.0, attack: float = 0.008) -> np.ndarray:
    """A soft bell-like note: fundamental plus a quieter octave, quick attack, exponential decay."""
    t = np.arange(int(RATE * seconds)) / RATE
    wave_ = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * 2 * freq * t)
    envelope = np.minimum(1.0, t / attack) * np.exp(-decay * t)
    return wave_ * envelope


def sweep(f0: float, f1: float, seconds: float) -> np.ndarray:
    """A pitch glide (phase-continuous), with a square-ish edge that cuts through a room."""
    t = np.arange(int(RATE * seconds)) / RATE
    freq = f0 + (f1 - f0) * t / seconds
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    wave_ = np.sin(phase) + 0.25 * np.sin(3 * phase)
    fade = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)  # no clicks at the ends
    return wave_ * fade


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds))


def warning() -> np.ndarray:
    # Two gentle rising chimes (E5, A5): "have a look".
    return np.concatenate([tone(659.3, 0.22), tone(880.0, 0.38)])


def critical() -> np.ndarray:
    # Three quick, higher, brighter beeps: "act now".
    beep = tone(1046.5, 0.13, decay=12.0)
    gap = silence(0.05)
    return np.concatenate([beep, gap, beep, gap, beep])


def liquidation() -> np.ndarray:
    # A falling two-stage siren: unmistakable, the only sound that glides.
    return np.concatenate([sweep(1400, 700, 0.38), silence(0.04), sweep(1400, 700, 0.38)])


def write(path: Path, samples: np.ndarray, volume: float = 0.6) -> None:
    pcm = np.round(samples / np.max(np.abs(samples)) * volume * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


SOUNDS = {"warning": warning, "critical": critical, "liquidation": liquidation}


def main() -> None:
    for name, make in SOUNDS.items():
        write(HERE / f"{name}.wav", make())


if __name__ == "__main__":
    main()
