import { document, window } from "../testutil/dom.js";
import { FakeWebSocket } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { playSound, syncSounds } from "../src/sound.js";
import { execute } from "../src/commands.js";

// FakeAudio stands for HTMLAudioElement: it records what is asked of it,
// and refuses to play while FakeAudio.refuse is set (a browser's autoplay
// policy before any user gesture).
class FakeAudio {
  static all = [];
  static refuse = false;
  constructor(src) {
    Object.assign(this, { src, preload: "auto", volume: 1, currentTime: 3, paused: true, plays: 0, loads: 0 });
    FakeAudio.all.push(this);
  }
  play() {
    this.plays++;
    if (FakeAudio.refuse) return Promise.reject(Object.assign(new Error("no gesture"), { name: "NotAllowedError" }));
    this.paused = false;
    return Promise.resolve();
  }
  pause() {
    this.paused = true;
  }
  removeAttribute(n) {
    if (n === "src") this.src = "";
  }
  load() {
    this.loads++;
  }
}
window.Audio = FakeAudio;

const SOUNDS = JSON.stringify({ click: "/s/click.wav", win: { url: "/s/win.wav", volume: 0.25 } });

function setup(t, html = `<section id="box" live-sounds='${SOUNDS}'><button>b</button></section>`) {
  FakeAudio.all = [];
  FakeAudio.refuse = false;
  document.body.innerHTML = `<div live-root>${html}</div>`;
  const root = document.body.firstChild;
  const warn = t.mock.method(console, "warn", () => {});
  const error = t.mock.method(console, "error", () => {});
  const heard = [];
  const listen = (e) => heard.push(e.detail);
  window.addEventListener("templive:sound", listen);
  t.after(() => {
    window.removeEventListener("templive:sound", listen);
    document.body.innerHTML = "";
    syncSounds(root); // release what the test loaded
  });
  return { root, warn, error, heard };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const audio = (src) => FakeAudio.all.find((a) => a.src === src);

test("a container's sounds are preloaded once", (t) => {
  const { root } = setup(t);
  syncSounds(root);
  syncSounds(root);
  assert.deepEqual(FakeAudio.all.map((a) => [a.src, a.preload]), [["/s/click.wav", "auto"], ["/s/win.wav", "auto"]]);
});

test("playSound plays from the start, at the declared volume or the one asked, and tells window", async (t) => {
  const { root, heard, warn, error } = setup(t);
  playSound(root, "win");
  const win = audio("/s/win.wav");
  assert.equal(win.plays, 1);
  assert.equal(win.currentTime, 0);
  assert.equal(win.volume, 0.25);
  await tick();
  assert.deepEqual(heard, [{ name: "win", played: true, audio: win }]);
  playSound(root, "click", { volume: 0.5 });
  assert.equal(audio("/s/click.wav").volume, 0.5);
  playSound(root, "click", { volume: 7 });
  assert.equal(audio("/s/click.wav").volume, 1, "volume is at most 1");
  assert.equal(warn.mock.callCount() + error.mock.callCount(), 0);
});

test("a sound the browser refuses (autoplay) is skipped quietly, and window is told", async (t) => {
  const { root, heard, warn, error } = setup(t);
  FakeAudio.refuse = true;
  playSound(root, "click");
  await tick();
  assert.equal(heard.length, 1);
  assert.equal(heard[0].name, "click");
  assert.equal(heard[0].played, false);
  assert.equal(warn.mock.callCount() + error.mock.callCount(), 0, "no console noise");
});

test("an undeclared sound is a warning and plays nothing", async (t) => {
  const { root, heard, warn } = setup(t);
  playSound(root, "trumpet");
  await tick();
  assert.equal(warn.mock.callCount(), 1);
  assert.match(warn.mock.calls[0].arguments[0], /sound "trumpet" is not declared/);
  assert.ok(FakeAudio.all.every((a) => a.plays === 0));
  assert.deepEqual(heard, []);
});

test("bad declarations are warnings naming the element", (t) => {
  const { root, warn } = setup(t, `<p id="bad" live-sounds="{nope"></p><p id="nourl" live-sounds='{"x":{"volume":1}}'></p>`);
  syncSounds(root);
  assert.equal(warn.mock.callCount(), 2);
  assert.match(warn.mock.calls[0].arguments[0], /bad live-sounds/);
  assert.equal(warn.mock.calls[0].arguments[1].id, "bad");
  assert.match(warn.mock.calls[1].arguments[0], /sound "x" has no URL/);
  assert.equal(FakeAudio.all.length, 0);
});

test("a container that leaves the page stops and releases its sounds", async (t) => {
  const { root } = setup(t);
  playSound(root, "win");
  const win = audio("/s/win.wav");
  assert.equal(win.paused, false);
  root.querySelector("#box").remove();
  syncSounds(root); // what the client does after every patch
  assert.equal(win.paused, true);
  assert.equal(win.src, "");
  assert.equal(win.loads, 1);
});

test("a changed declaration reloads the container's sounds", (t) => {
  const { root } = setup(t);
  syncSounds(root);
  const [click] = FakeAudio.all;
  root.querySelector("#box").setAttribute("live-sounds", '{"click":"/s/click2.wav"}');
  syncSounds(root);
  assert.equal(click.src, "", "the old sound is released");
  assert.ok(audio("/s/click2.wav"));
});

test("the play_sound JS command plays in the element's live root", async (t) => {
  const { root, heard } = setup(t);
  execute(JSON.stringify([["play_sound", { sound: "click" }], ["add_class", { names: "pressed" }]]), root.querySelector("button"), null);
  assert.equal(audio("/s/click.wav").plays, 1);
  assert.ok(root.querySelector("button").classList.contains("pressed"), "the chain goes on");
  await tick();
  assert.equal(heard[0].name, "click");
});

test("a pushed live:sound plays once the page's frame arrives (index wiring)", async (t) => {
  const { heard } = setup(t);
  FakeWebSocket.all = [];
  globalThis.WebSocket = FakeWebSocket;
  await import("../src/index.js");
  const ws = FakeWebSocket.last();
  t.after(() => window.templive.pages.forEach((p) => p.stop()));
  ws.open();
  ws.receive([0, 0]);
  assert.deepEqual(FakeAudio.all.map((a) => a.src), ["/s/click.wav", "/s/win.wav"], "preloaded at start");
  ws.receive([5, "live:sound", { name: "win" }]);
  await tick();
  assert.equal(audio("/s/win.wav").plays, 1);
  assert.deepEqual(heard.map((h) => [h.name, h.played]), [["win", true]]);
});
