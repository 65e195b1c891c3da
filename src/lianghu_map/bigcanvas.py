"""A big layer's canvas in the browser (:class:`compact.BigLayer` writes it into the map once
per page): the payload decoded into typed arrays, every part drawn from them on a canvas of its
own, hover and click hit-tested through a grid of what was drawn.

Kept apart from :mod:`compact` so that a change to the drawing does not change the code a
stored payload is made by (:func:`prepared.recipe`): payloads prepared at save stay valid.

* **decode** (``__lhBigDecode``) — per part its kind, feature and rings; per ring its first
  vertex; every vertex in Leaflet's unit square (EPSG:3857: a pixel at zoom z is 256 · 2^z
  times it), and each part's box there.
* **draw** (``__lhBigCanvas``, a Leaflet canvas renderer of its own) — no Leaflet layer per
  feature (creating and projecting 100,000 Leaflet polygons was most of a big layer's time to
  drawn): one path per style, styles in state order (dimmed first, highlighted last), parts
  outside the view skipped, parts under a pixel drawn as a dot; hatched fills as
  :class:`mapview.SymbolSupport` draws them.
* **events** — this canvas is over the map's own (the built-in features'): it takes the mouse,
  hit-tests the parts (point in polygon, distance to a line, a point's circle), and hands what
  it does not hit to the canvas under it, whose handlers work from the event's position — so
  the map's events come as they did when one canvas held everything.  One tooltip follows the
  mouse; a click is fired on the layer's group with ``e.layer.feature`` (streamlit-folium reads
  the feature id from it), then on the map.
* **labels** — ``labelCandidates(minPx)`` lists, per feature in view, its largest part at least
  ``minPx`` across on screen (a point always), for :class:`labels.BigLabels`.
"""

from __future__ import annotations

__all__ = ["BIG_CANVAS_JS"]

BIG_CANVAS_JS = """
          if (!window.__lhBigCanvas) {
            const TAU = 2 * Math.PI;
            // WGS84 → GCJ-02 (lon, lat in degrees; into out), the formulas of
            // lianghu_map.crs.wgs84_to_gcj02, outside China unchanged: a tiled layer over a
            // GCJ-02 basemap (Gaode) is shifted here, its tiles being WGS84
            const GA = 6378245.0, GE = 0.00669342162296594323, PI = Math.PI;
            window.__lhGcj = (lon, lat, out) => {
              if (!(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271)) {
                out[0] = lon; out[1] = lat; return out;
              }
              const x = lon - 105.0, y = lat - 35.0;
              let dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
                + 0.2 * Math.sqrt(Math.abs(x));
              dlat += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
              dlat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
              dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0))
                * 2.0 / 3.0;
              let dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
                + 0.1 * Math.sqrt(Math.abs(x));
              dlon += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
              dlon += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
              dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI))
                * 2.0 / 3.0;
              const radlat = lat / 180.0 * PI, s = Math.sin(radlat);
              const magic = 1.0 - GE * s * s, sqrtmagic = Math.sqrt(magic);
              out[0] = lon + (dlon * 180.0) / (GA / sqrtmagic * Math.cos(radlat) * PI);
              out[1] = lat + (dlat * 180.0) / ((GA * (1.0 - GE)) / (magic * sqrtmagic) * PI);
              return out;
            };
            // payload → typed arrays: per part its kind, feature and rings; per ring its first
            // vertex; every vertex in Leaflet's unit square (EPSG:3857: a pixel at zoom z is
            // 256 · 2^z times it), shifted to GCJ-02 if ``gcj``; per part its box there
            // (umin, vmin, umax, vmax)
            window.__lhBigDecode = (d, q, gcj = false) => {
              const c = d.c, k = d.k, n = d.n, f = d.f || null, r = d.r || null, P = k.length;
              const kind = new Uint8Array(P), feat = new Int32Array(P);
              const partRing = new Int32Array(P + 1), ringStart = new Int32Array(n.length + 1);
              for (let i = 0; i < n.length; i++) ringStart[i + 1] = ringStart[i] + n[i];
              for (let p = 0, ri = 0, pr = 0; p < P; p++) {
                kind[p] = k.charCodeAt(p) - 48;
                feat[p] = f ? f[p] : p;
                partRing[p] = ri;
                ri += kind[p] === 2 ? (r ? r[pr++] : 1) : 1;
                partRing[p + 1] = ri;
              }
              const V = c.length / 2, uv = new Float64Array(2 * V), ll = new Float64Array(2);
              for (let i = 0, x = 0, y = 0; i < V; i++) {
                x += c[2 * i]; y += c[2 * i + 1];
                ll[0] = x * q; ll[1] = y * q;
                if (gcj) window.__lhGcj(ll[0], ll[1], ll);
                uv[2 * i] = ll[0] / 360 + 0.5;
                uv[2 * i + 1] = 0.5 - Math.log(Math.tan(Math.PI / 4 + ll[1] * Math.PI / 360)) / TAU;
              }
              const box = new Float64Array(4 * P);
              for (let p = 0; p < P; p++) {
                let a = Infinity, b = Infinity, e = -Infinity, g = -Infinity;
                for (let i = ringStart[partRing[p]]; i < ringStart[partRing[p + 1]]; i++) {
                  const u = uv[2 * i], v = uv[2 * i + 1];
                  if (u < a) a = u; if (u > e) e = u; if (v < b) b = v; if (v > g) g = v;
                }
                box.set([a, b, e, g], 4 * p);
              }
              // loc: per part, its feature's index into the texts (ids, tips, names, m);
              // feat: into the layer's states (the same here; not in a tile: __lhBigMerge)
              return {kind, feat, loc: feat, partRing, ringStart, uv, box, P, ids: d.ids,
                      prefix: d.prefix, tips: d.tips, metas: d.metas, m: d.m || null,
                      // a null name is its tooltip's first line (compact.build_payload)
                      names: d.names ? d.names.map((n, i) => (n !== null ? n
                        : d.tips[i].slice(3, d.tips[i].indexOf("</b>")))) : null};
            };
            // decoded tiles (compact.BigLayer with tiles: lianghu_map.tiles) → one decoded
            // set: feat is each part's feature in the layer (its state), loc its texts' index
            window.__lhBigMerge = (list) => {
              let P = 0, R = 0, V = 0;
              for (const t of list) { P += t.P; R += t.ringStart.length - 1; V += t.uv.length / 2; }
              const kind = new Uint8Array(P), feat = new Int32Array(P), loc = new Int32Array(P);
              const partRing = new Int32Array(P + 1), ringStart = new Int32Array(R + 1);
              const uv = new Float64Array(2 * V), box = new Float64Array(4 * P);
              const ids = [], tips = [], names = [], m = [];
              let p0 = 0, r0 = 0, v0 = 0, f0 = 0, metas = [], hasM = false, prefix = "";
              for (const t of list) {
                kind.set(t.kind, p0); box.set(t.box, 4 * p0); uv.set(t.uv, 2 * v0);
                for (let p = 0; p < t.P; p++) {
                  feat[p0 + p] = t.i[t.feat[p]];
                  loc[p0 + p] = f0 + t.feat[p];
                  partRing[p0 + p] = t.partRing[p] + r0;
                }
                const nr = t.ringStart.length - 1;
                for (let r = 0; r < nr; r++) ringStart[r0 + r] = t.ringStart[r] + v0;
                for (let k = 0; k < t.ids.length; k++) {
                  ids.push(t.ids[k]); tips.push(t.tips[k]);
                  names.push(t.names ? t.names[k] : null); m.push(t.m ? t.m[k] : 0);
                }
                hasM = hasM || !!t.m; metas = t.metas; prefix = t.prefix;
                p0 += t.P; r0 += nr; v0 += t.uv.length / 2; f0 += t.ids.length;
              }
              partRing[P] = r0; ringStart[R] = v0;
              return {kind, feat, loc, partRing, ringStart, uv, box, P, ids, prefix, tips, metas,
                      m: hasM ? m : null, names};
            };
            // a tile's files (geometry, texts in the map's language) fetched and decoded once
            // per page; the newest 400 kept
            const TILES = window.__lhTiles = window.__lhTiles || new Map();
            const tile = (T, lv, name) => {
              const gcj = T.datum === "gcj02";
              const key = `${T.url}/${lv.z}/${name}.${T.lang}${gcj ? "@gcj02" : ""}`;
              let job = TILES.get(key);
              if (!job) {
                const get = (path) => fetch(path).then((res) => {
                  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
                  return res.json();
                });
                job = Promise.all([get(`${T.url}/${lv.z}/${name}.json`),
                                   get(`${T.url}/${lv.z}/${name}.${T.lang}.json`)])
                  .then(([geo, text]) => {
                    const d = window.__lhBigDecode(
                      Object.assign(geo, text, {prefix: T.prefix}), lv.q, gcj);
                    d.i = Int32Array.from(geo.i);
                    job.done = d;
                    return d;
                  });
                job.catch(() => TILES.delete(key));  // asked again next time
                TILES.set(key, job);
                while (TILES.size > 400) TILES.delete(TILES.keys().next().value);
              }
              return job;
            };
            const RANK = {context: 0, normal: 1, focus: 2, selected: 3};
            const dash = (s) => (s ? String(s).split(/[ ,]+/).map(Number).filter((x) => x >= 0)
                                   : []);
            const CELL = 64;  // px: the hit index's grid
            // px: a line or area smaller than this on screen is drawn as its box, in its line
            // colour (its outline, dashes and hatching would not show; drawing them cost
            // seconds at 100,000 parts)
            const SMALL = 4;
            // every part of a big layer on a canvas of its own, drawn from the typed arrays
            // (no Leaflet layer per feature), each part its own path; the mouse hit-tested
            // through a grid of what was drawn
            window.__lhBigCanvas = L.Canvas.extend({
              initialize(spec, group) {
                L.Canvas.prototype.initialize.call(this, {padding: 0.1});
                this._spec = spec;
                this._group = group;
                this._d = null;
                this._hover = -1;
              },
              // the parcels are drawn over the map's own canvas (the built-in features): this
              // canvas takes the mouse, as the top one, and hands what it does not hit to the
              // one under it (Leaflet's canvas handlers work from the event's position), so the
              // map's own events come as they did with one shared canvas
              _initContainer() {
                L.Canvas.prototype._initContainer.call(this);
                this._container.className = "lh-big-canvas";
              },
              _under() {  // the map's canvas renderer of the built-in features, if any
                const r = this._map && this._map._renderer;
                return r && r !== this && r._container ? r : null;
              },
              _pass(e) {
                const under = this._under();
                if (!under) this._map._fireDOMEvent(e, e.type);
                else if (e.type === "mousemove") under._onMouseMove(e);
                else if (e.type === "mouseout") under._handleMouseOut(e);
                else under._onClick(e);
                this._pointer();
              },
              // the pointer over a part, ours or the canvas's under it (the mouse is over ours)
              _pointer() {
                const under = this._under();
                if (this._container) this._container.classList.toggle("leaflet-interactive",
                  this._hover >= 0 || !!(under && under._hoveredLayer));
              },
              onAdd(map) {
                L.Canvas.prototype.onAdd.call(this, map);
                this._tip = L.tooltip({sticky: true});
                map.on("moveend", this._want, this);
                this._want();
              },
              onRemove(map) {
                map.off("moveend", this._want, this);
                this._wantKey = null;
                this._dropNotice();
                if (this._tip) map.closeTooltip(this._tip);
                L.Canvas.prototype.onRemove.call(this, map);
              },
              // a tiled layer (lianghu_map.tiles): after each move, the tiles of the level for
              // the zoom that the view (padded by half a tile) touches; drawn when they are all
              // in, or as they come after 300 ms; tiles[layer] says what is drawn (tests)
              // ``n`` of the view's ``total`` tiles did not load (total 0: the layer's payload
              // did not): a notice on the map, with a retry, until what is asked for loads;
              // the texts go in as text (the layer's title is an analyst's)
              _failed(n, total) {
                const T = this._spec.notice, map = this._map;
                window.__lhBigFailed = Object.assign(window.__lhBigFailed || {},
                                                     {[this._spec.layer]: n});
                if (!n || !map || !T) return this._dropNotice();
                if (!this._notice) {
                  const box = this._notice = L.DomUtil.create("div", "lh-big-failed",
                                                              map.getContainer());
                  box.style.cssText = T.css;
                  box.setAttribute("role", "alert");
                  L.DomUtil.create("span", "", box);
                  const retry = L.DomUtil.create("button", "", box);
                  retry.type = "button";
                  retry.style.cssText = T.button_css;
                  retry.textContent = T.retry;
                  L.DomEvent.disableClickPropagation(box);
                  L.DomEvent.on(retry, "click", () => this._retry());
                  // kept above the bottom corners as they change (a badge drawn later, a
                  // longer attribution, a narrower map)
                  this._noticeWatch = new ResizeObserver(() => this._placeNotice());
                  const c = map._controlCorners || {};
                  ["bottomleft", "bottomright"].forEach(
                    (k) => c[k] && this._noticeWatch.observe(c[k]));
                }
                this._notice.firstChild.textContent = total
                  ? T.failed.replace("{failed}", n).replace("{total}", total) : T.failed_all;
                this._placeNotice();
              },
              _dropNotice() {
                if (!this._notice) return;
                this._notice.remove();
                this._notice = null;
                this._noticeWatch.disconnect();
              },
              _placeNotice() {  // above what the bottom corners hold (scale, datum, attribution)
                if (!this._notice || !this._map) return;
                const c = this._map._controlCorners || {};
                const under = Math.max(...["bottomleft", "bottomright"].map(
                  (k) => (c[k] ? c[k].getBoundingClientRect().height : 0)));
                this._notice.style.bottom = `${Math.round(under) + 8}px`;
              },
              _retry() {  // a tiled layer: the view's tiles asked again (failed ones were let go)
                this._wantKey = null;
                this._want();
              },
              setTiles(T) {
                this._tiles = T;
                if (this._map) this._want();
              },
              _want() {
                const T = this._tiles, map = this._map;
                if (!T || !map) return;
                const zoom = map.getZoom();
                let lv = T.levels[0];
                for (const l of T.levels) if (l.z <= zoom) lv = l;
                const n = Math.pow(2, lv.z), S = 256 * Math.pow(2, zoom), b = map.getPixelBounds();
                const x0 = Math.floor(b.min.x / S * n - 0.5);
                const x1 = Math.floor(b.max.x / S * n + 0.5);
                const y0 = Math.floor(b.min.y / S * n - 0.5);
                const y1 = Math.floor(b.max.y / S * n + 0.5);
                const want = lv.tiles.filter(([x, y]) => x >= x0 && x <= x1 && y >= y0 && y <= y1)
                  .map(([x, y]) => `${x}-${y}`);
                if (lv.wide) want.push("w");
                const key = `${lv.z}:${want.join(",")}`;
                if (key === this._wantKey) return;
                this._wantKey = key;
                const jobs = want.map((name) => tile(T, lv, name)), asked = performance.now();
                // drawn once when all are in; while the rest is on its way, what has come is
                // drawn 1 s after the ask, then at most once a second after each such drawing
                // ends (a drawing of 50,000 parts takes 0.5–1 s here: drawing at each tile's
                // arrival delayed the others' decoding and drew the view 15 times, 12 s)
                let shown = asked, later = null;
                const show = (all) => {
                  if (this._wantKey !== key) return;
                  const list = jobs.map((j) => j.done).filter(Boolean);
                  if (!all && list.length === jobs.length) return;  // all in: drawn once below
                  if (!all) {
                    const wait = shown + 1000 - performance.now();
                    if (wait > 0) {
                      if (!later) later = setTimeout(() => { later = null; show(false); }, wait);
                      return;
                    }
                  }
                  this.setData(window.__lhBigMerge(list));
                  shown = performance.now();
                  if (all) requestAnimationFrame(() => { window.__lhBigTiles = Object.assign(
                    window.__lhBigTiles || {}, {[this._spec.layer]: {z: lv.z, tiles: want}}); });
                };
                if (jobs.every((j) => j.done)) { this._failed(0, jobs.length); return show(true); }
                jobs.forEach((j) => j.then(() => show(false), () => {}));
                Promise.allSettled(jobs).then((out) => {
                  if (this._wantKey !== key) return;
                  clearTimeout(later);
                  this._failed(out.filter((o) => o.status === "rejected").length, jobs.length);
                  show(true);
                });
              },
              _states() {  // per feature of the layer, its style (-1: not drawn); made once
                const spec = this._spec;
                if (this._of) return this._of;
                const of = this._of = new Int32Array(spec.count).fill(-1);
                for (let i = 0, at = 0; i < spec.style_runs.length; i += 2) {
                  of.fill(spec.style_runs[i], at, at + spec.style_runs[i + 1]);
                  at += spec.style_runs[i + 1];
                }
                return of;
              },
              setData(d) {
                const spec = this._spec, of = this._states();
                this._hover = -1;
                const by = spec.styles.map(() => []);
                let drawn = 0;
                for (let p = 0; p < d.P; p++) {
                  const s = of[d.feat[p]];
                  if (s >= 0) { by[s].push(p); drawn++; }
                }
                this._d = d;
                this._by = by.map((a) => Int32Array.from(a));
                this._order = spec.styles.map((_, s) => s).sort(
                  (a, b) => (RANK[spec.states[a]] ?? 1) - (RANK[spec.states[b]] ?? 1));
                if (this._map) this._redraw();
                // reported once painted (benchmarks, tests)
                requestAnimationFrame(() => { window.__lhBigDrawn = Object.assign(
                  window.__lhBigDrawn || {}, {[spec.layer]: drawn}); });
                this._group.__lhBig = this;  // its labels (labels.BigLabels)
                this._group.fire("lh:parts", {source: this});
              },
              _updatePaths() {
                if (!this._postponeUpdatePaths) this._redraw();
              },
              _frame() {  // zoom scale and pixel origin of what is drawn now
                const map = this._map;
                return [256 * Math.pow(2, map.getZoom()), map.getPixelOrigin()];
              },
              _point(p, S, o) {  // a point part's position, in layer pixels
                const d = this._d, i = d.ringStart[d.partRing[p]];
                return [d.uv[2 * i] * S - o.x, d.uv[2 * i + 1] * S - o.y];
              },
              _shape(ctx, p, st, S, o) {  // part p as the current path: a point's circle
                ctx.beginPath();
                if (this._d.kind[p] !== 0) return this._path(ctx, p, S, o);
                const [x, y] = this._point(p, S, o);
                ctx.arc(x, y, st.radius ?? 10, 0, TAU);
              },
              _path(ctx, p, S, o) {
                const d = this._d, uv = d.uv;
                for (let ring = d.partRing[p]; ring < d.partRing[p + 1]; ring++) {
                  const a = d.ringStart[ring], e = d.ringStart[ring + 1];
                  ctx.moveTo(uv[2 * a] * S - o.x, uv[2 * a + 1] * S - o.y);
                  for (let i = a + 1; i < e; i++) {
                    ctx.lineTo(uv[2 * i] * S - o.x, uv[2 * i + 1] * S - o.y);
                  }
                  if (d.kind[p] === 2) ctx.closePath();
                }
              },
              // a style's paint, set once for its parts: [fill style, fill alpha, stroke alpha]
              // (null: no fill / no stroke); each part is then filled and stroked on its own
              // (one path for many parts took Chromium minutes at 100,000; and an even-odd
              // fill over overlapping parts would cut holes)
              _style(ctx, st, kind) {
                let fill = null, stroke = null;
                if (kind !== 1 && st.fill !== false) {
                  const c = st.fillColor || st.color || "#3388ff";
                  fill = st.hatch && window.__lhHatch ? window.__lhHatch(ctx, c) : c;
                }
                if (st.stroke !== false && (st.weight ?? 3) > 0) {
                  ctx.lineWidth = st.weight ?? 3;
                  ctx.strokeStyle = st.color || "#3388ff";
                  ctx.setLineDash(dash(st.dashArray));
                  stroke = st.opacity ?? 1;
                }
                if (fill !== null) ctx.fillStyle = fill;
                return [fill, st.fillOpacity ?? 0.2, stroke];
              },
              _paint(ctx, how) {
                const [fill, fillAlpha, stroke] = how;
                if (fill !== null) {
                  ctx.globalAlpha = fillAlpha;
                  ctx.fill("evenodd");
                }
                if (stroke !== null) {
                  ctx.globalAlpha = stroke;
                  ctx.stroke();
                }
              },
              _draw() {
                const d = this._d, map = this._map;
                if (!d || !map || !this._ctx) return;
                const ctx = this._ctx, b = this._bounds, [S, o] = this._frame();
                const u0 = (b.min.x + o.x) / S, u1 = (b.max.x + o.x) / S;
                const v0 = (b.min.y + o.y) / S, v1 = (b.max.y + o.y) / S;
                const box = d.box, grid = this._grid = new Map();
                const index = (p, x0, y0, x1, y1) => {
                  const a = Math.floor(x0 / CELL), e = Math.floor(x1 / CELL);
                  const g = Math.floor(y0 / CELL), h = Math.floor(y1 / CELL);
                  if ((e - a + 1) * (h - g + 1) > 64) {  // a big part: listed once, tested always
                    this._wide.push(p);
                    return;
                  }
                  for (let i = a; i <= e; i++) for (let j = g; j <= h; j++) {
                    const key = i * 65536 + j, list = grid.get(key);
                    if (list) list.push(p); else grid.set(key, [p]);
                  }
                };
                this._wide = [];
                ctx.save();
                ctx.lineJoin = ctx.lineCap = "round";
                for (const s of this._order) {
                  const st = this._spec.styles[s], parts = this._by[s];
                  if (!parts.length) continue;
                  const dots = [];
                  let how = null;
                  for (const p of parts) {
                    const at = 4 * p;
                    if (box[at] > u1 || box[at + 2] < u0 || box[at + 1] > v1 || box[at + 3] < v0)
                      continue;
                    const x0 = box[at] * S - o.x, y0 = box[at + 1] * S - o.y;
                    const x1 = box[at + 2] * S - o.x, y1 = box[at + 3] * S - o.y;
                    const kind = d.kind[p];
                    const pad = kind === 0 ? (st.radius ?? 10) + 2 : 3;
                    index(p, x0 - pad, y0 - pad, x1 + pad, y1 + pad);
                    if (kind !== 0 && x1 - x0 < SMALL && y1 - y0 < SMALL) {
                      dots.push(x0, y0, x1 - x0, y1 - y0);  // a few pixels: its box, solid
                      continue;
                    }
                    how = how || this._style(ctx, st, kind);
                    this._shape(ctx, p, st, S, o);
                    this._paint(ctx, how);
                  }
                  if (dots.length) {
                    ctx.globalAlpha = st.opacity ?? 1;
                    ctx.fillStyle = st.color || "#3388ff";
                    for (let i = 0; i < dots.length; i += 4) {
                      ctx.fillRect(dots[i], dots[i + 1], Math.max(dots[i + 2], 1),
                                   Math.max(dots[i + 3], 1));
                    }
                  }
                }
                if (this._hover >= 0) {  // the feature under the mouse, thicker, on top
                  const p = this._hover, st = this._spec.styles[this._of[d.feat[p]]];
                  if (st) {
                    const wide = {...st, weight: (st.weight || 1) + 3};
                    const how = this._style(ctx, wide, d.kind[p]);
                    this._shape(ctx, p, wide, S, o);
                    this._paint(ctx, how);
                  }
                }
                ctx.restore();
              },
              // the part at layer point pt (the last drawn on top), -1 for none
              _hit(pt) {
                const d = this._d;
                if (!d || !this._grid) return -1;
                const [S, o] = this._frame(), uv = d.uv;
                const list = [...(this._grid.get(Math.floor(pt.x / CELL) * 65536
                                                + Math.floor(pt.y / CELL)) || []),
                              ...(this._wide || [])];
                let best = -1, bestRank = -1;
                for (const p of list) {
                  const st = this._spec.styles[this._of[d.feat[p]]];
                  if (!st) continue;
                  const rank = RANK[this._spec.states[this._of[d.feat[p]]]] ?? 1;
                  if (rank < bestRank) continue;
                  let hit = false;
                  if (d.kind[p] === 0) {
                    const [x, y] = this._point(p, S, o), dx = x - pt.x, dy = y - pt.y;
                    const r = (st.radius ?? 10) + (st.weight ?? 3) / 2 + 1;
                    hit = dx * dx + dy * dy <= r * r;
                  } else {
                    const tol = (st.weight ?? 3) / 2 + 3;
                    let inside = false;
                    for (let ring = d.partRing[p]; ring < d.partRing[p + 1] && !hit; ring++) {
                      const a = d.ringStart[ring], e = d.ringStart[ring + 1];
                      const closed = d.kind[p] === 2;
                      for (let i = a, j = closed ? e - 1 : a; i < e; j = i++) {
                        if (i === j) continue;
                        const xi = uv[2 * i] * S - o.x, yi = uv[2 * i + 1] * S - o.y;
                        const xj = uv[2 * j] * S - o.x, yj = uv[2 * j + 1] * S - o.y;
                        if (closed && ((yi > pt.y) !== (yj > pt.y)) &&
                            pt.x < (xj - xi) * (pt.y - yi) / (yj - yi) + xi) inside = !inside;
                        const dx = xj - xi, dy = yj - yi, L2 = dx * dx + dy * dy;
                        const t = L2 ? Math.max(0, Math.min(1, ((pt.x - xi) * dx
                                                                + (pt.y - yi) * dy) / L2)) : 0;
                        const ex = xi + t * dx - pt.x, ey = yi + t * dy - pt.y;
                        if (ex * ex + ey * ey <= tol * tol) { hit = true; break; }
                      }
                    }
                    hit = hit || inside;
                  }
                  if (hit) { best = p; bestRank = rank; }
                }
                return best;
              },
              _over(p) {
                if (p === this._hover) return;
                this._hover = p;
                const map = this._map;
                if (!map) return;
                this._pointer();
                if (p < 0) map.closeTooltip(this._tip);
                this._redrawSoon();
              },
              _redrawSoon() {
                if (!this._soon) this._soon = requestAnimationFrame(() => {
                  this._soon = null;
                  if (this._map) this._redraw();
                });
              },
              _onMouseMove(e) {
                const map = this._map;
                if (!map || (map.dragging && map.dragging.moving()) || map._animatingZoom) return;
                const p = this._hit(map.mouseEventToLayerPoint(e));
                this._over(p);
                if (p < 0) {
                  this._pass(e);
                  return;
                }
                const under = this._under();
                if (under) under._handleMouseOut(e);  // a built-in feature under it gives way
                const d = this._d, fi = d.loc[p], at = map.mouseEventToLatLng(e);
                this._tip.setContent('<div class="lh-tip">' + d.tips[fi]
                                     + d.metas[d.m ? d.m[fi] : 0] + "</div>");
                if (this._tip._map) this._tip.setLatLng(at);
                else map.openTooltip(this._tip, at);
                map._fireDOMEvent(e, e.type);
              },
              _handleMouseOut(e) {
                this._over(-1);
                this._pass(e);
              },
              _onClick(e) {
                const map = this._map;
                if (!map) return;
                const p = e.type === "click" ? this._hit(map.mouseEventToLayerPoint(e)) : -1;
                if (p < 0) {
                  this._pass(e);
                  return;
                }
                const d = this._d, fi = d.feat[p];
                const feature = {type: "Feature", geometry: null,
                                 properties: {feature_id: d.prefix + d.ids[d.loc[p]],
                                              state: this._spec.states[this._of[fi]]}};
                // to streamlit-folium through the group, as a clicked layer of it would; then
                // the map's own click
                this._group.fire("click", {latlng: map.mouseEventToLatLng(e),
                                           originalEvent: e,
                                           layer: {feature, toGeoJSON: () => feature}});
                map._fireDOMEvent(e, e.type);
              },
              // label candidates in view (labels.BigLabels): per feature its largest part
              // at least min_px across on screen (a point always)
              labelCandidates(minPx) {
                const d = this._d, map = this._map;
                if (!d || !map || !d.names) return [];
                const [S, o] = this._frame(), size = map.getSize();
                const tl = map.containerPointToLayerPoint([0, 0]);
                const u0 = (tl.x + o.x) / S, v0 = (tl.y + o.y) / S;
                const u1 = u0 + size.x / S, v1 = v0 + size.y / S;
                const best = new Map();
                for (let s = 0; s < this._by.length; s++) {
                  const state = this._spec.states[s], st = this._spec.styles[s];
                  for (const p of this._by[s]) {
                    const at = 4 * p, box = d.box;
                    if (box[at] > u1 || box[at + 2] < u0 || box[at + 1] > v1 || box[at + 3] < v0)
                      continue;
                    const fi = d.feat[p], name = d.names[d.loc[p]];
                    if (!name) continue;
                    const point = d.kind[p] === 0;
                    const px = point ? 0
                      : Math.max(box[at + 2] - box[at], box[at + 3] - box[at + 1]) * S;
                    if (!point && px < minPx) continue;
                    const had = best.get(fi);
                    if (had && had.size >= px) continue;
                    const cu = (box[at] + box[at + 2]) / 2, cv = (box[at + 1] + box[at + 3]) / 2;
                    const ll = map.unproject([cu * S, cv * S], map.getZoom());
                    best.set(fi, {size: px, point, name, state, lat: ll.lat, lng: ll.lng,
                                  radius: st.radius ?? 6});
                  }
                }
                return [...best.values()];
              },
            });
          }
"""
