// The sound demo's client hooks. An app registers its hooks in a script
// file of its own, loaded before the templive client: no inline script.
window.templiveHooks = Object.assign(window.templiveHooks || {}, {
  // SoundCue shows every sound as text, a visual cue for those who cannot
  // hear it, and the server's "cue" pushes.
  SoundCue: {
    mounted() {
      this.show = (e) => {
        this.el.textContent = `${e.detail.played ? "♪" : "♪ (blocked by the browser)"} ${e.detail.name}`;
      };
      window.addEventListener("templive:sound", this.show);
      this.handleEvent("cue", (p) => {
        this.el.textContent = p.text;
      });
    },
    destroyed() {
      window.removeEventListener("templive:sound", this.show);
    },
  },
});
