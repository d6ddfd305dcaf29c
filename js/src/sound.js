// Sound effects. A container declares its sounds once, by name:
//
//   <section live-sounds='{"click":"/s/click.wav","win":{"url":"/s/win.wav","volume":0.5}}'>
//
// and they are preloaded (HTMLAudioElement, preload "auto"). playSound plays
// one: the play_sound JS command does on a click, with no round trip, and a
// server push (live:sound) does later. A container that leaves the page
// stops and releases its sounds.
//
// Autoplay: a sound the browser refuses to play (the user has not interacted
// with the page yet) is skipped, not queued: a late sound is worse than
// none. Nothing is logged; the templive:sound event says played: false.
import { ATTR_SOUNDS, EVENT_SOUND } from "./constants.js";

// containers maps each container seen to {spec, sounds: {name: [audio,
// declared volume]}, win}.
const containers = new Map();

// syncSounds loads the sounds of root's containers that are new or whose
// declaration changed, and stops and releases those of containers that
// left the page.
export function syncSounds(root) {
  containers.forEach((c, el) => el.isConnected || release(el));
  const els = Array.from(root.querySelectorAll(`[${ATTR_SOUNDS}]`));
  if (root.hasAttribute(ATTR_SOUNDS)) els.push(root);
  for (const el of els) {
    const spec = el.getAttribute(ATTR_SOUNDS);
    const c = containers.get(el);
    if (c && c.spec === spec) continue;
    if (c) release(el);
    containers.set(el, load(el, spec));
  }
}

function load(el, spec) {
  const win = el.ownerDocument.defaultView;
  const sounds = {};
  let decl = {};
  try {
    decl = JSON.parse(spec);
    if (!decl || typeof decl !== "object") throw new Error("not an object");
  } catch (err) {
    console.warn(`templive: bad ${ATTR_SOUNDS} (${err.message}) on`, el);
    decl = {};
  }
  for (const name of Object.keys(decl)) {
    const d = decl[name];
    const url = typeof d === "string" ? d : d && d.url;
    if (typeof url !== "string") {
      console.warn(`templive: sound "${name}" has no URL (${ATTR_SOUNDS}) on`, el);
      continue;
    }
    sounds[name] = [new win.Audio(url), volume(d.volume, 1)]; // preload="auto"
  }
  return { spec, sounds, win };
}

function release(el) {
  const c = containers.get(el);
  containers.delete(el);
  for (const name in c.sounds) {
    const a = c.sounds[name][0];
    a.pause();
    // Dropping the source frees the decoder and its buffers.
    a.removeAttribute("src");
    a.load();
  }
}

function volume(v, dflt) {
  return typeof v === "number" && v >= 0 ? Math.min(v, 1) : dflt;
}

// playSound plays the sound called name, declared by a container in root
// (the first that declares it), from its start. opts.volume (0 to 1)
// overrides the declared volume for this play. A name no container
// declares is a console warning and plays nothing. Whether it played or
// not, window gets a templive:sound event, detail {name, played, audio},
// when the browser has decided: apps show a visual cue with it.
export function playSound(root, name, opts = {}) {
  syncSounds(root);
  let c;
  for (const [el, x] of containers) {
    if (root.contains(el) && Object.prototype.hasOwnProperty.call(x.sounds, name)) {
      c = x;
      break;
    }
  }
  if (!c) {
    console.warn(`templive: sound "${name}" is not declared by any ${ATTR_SOUNDS} container; nothing played`);
    return;
  }
  const [audio, declared] = c.sounds[name];
  audio.volume = volume(opts.volume, declared);
  audio.currentTime = 0;
  const done = (played) =>
    c.win.dispatchEvent(new c.win.CustomEvent(EVENT_SOUND, { detail: { name, played, audio } }));
  let p;
  try {
    p = audio.play();
  } catch (_) {
    return done(false);
  }
  // Old browsers return nothing: count it as played.
  if (p && p.then) p.then(() => done(true), () => done(false));
  else done(true);
}

// A page that is left stops its sounds (it may be kept for back/forward).
if (typeof window !== "undefined") {
  window.addEventListener("pagehide", () => containers.forEach((c) => Object.values(c.sounds).forEach((s) => s[0].pause())));
}
