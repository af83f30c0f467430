/**
 * A short beep made with the Web Audio API (no audio files). Browsers only let a page start sound after a user
 * gesture: `unlockSound()` is called from the click that switches sound on, `beep()` afterwards.
 */
let context: AudioContext | null = null;

type AudioContextConstructor = new () => AudioContext;

function audioContextClass(): AudioContextConstructor | null {
  if (typeof window === 'undefined') return null;
  const w = window as unknown as { AudioContext?: AudioContextConstructor; webkitAudioContext?: AudioContextConstructor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

export function soundSupported(): boolean {
  return audioContextClass() !== null;
}

/** Creates (or resumes) the audio context; call it from a click. */
export function unlockSound(): void {
  const Ctor = audioContextClass();
  if (!Ctor) return;
  try {
    context ??= new Ctor();
    if (context.state === 'suspended') void context.resume();
  } catch {
    context = null;
  }
}

/** One beep (two for critical alerts): a sine at 880 Hz with a short fade, about 0.2 s each. */
export function beep(times = 1): void {
  if (!context) return;
  try {
    const now = context.currentTime;
    for (let i = 0; i < times; i += 1) {
      const start = now + i * 0.28;
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = 'sine';
      osc.frequency.setValueAtTime(880, start);
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
      osc.connect(gain).connect(context.destination);
      osc.start(start);
      osc.stop(start + 0.22);
    }
  } catch {
    // no sound is not an error: the banner is the notification
  }
}

const KEY = 'pks.alertSound';

/** Sound is off unless the person switched it on (kept in this browser). */
export function loadSoundPreference(): boolean {
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return false;
  }
}

export function saveSoundPreference(on: boolean): void {
  try {
    localStorage.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // private mode: the choice lasts for this page only
  }
}
