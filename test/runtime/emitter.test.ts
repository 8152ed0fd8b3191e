import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { Emitter } from '../../lib/runtime/emitter.js';

// The web build's emitter against Node's: the same assertions on both, so a listener behaves the
// same wherever the receiver runs.

type Listener = (...args: unknown[]) => unknown;
interface Api {
  on(event: string, listener: Listener): unknown;
  addListener(event: string, listener: Listener): unknown;
  prependListener(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  prependOnceListener(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
  removeAllListeners(event?: string): unknown;
  listenerCount(event: string): number;
  listeners(event: string): unknown[];
  rawListeners(event: string): unknown[];
  emit(event: string, ...args: unknown[]): boolean;
  setMaxListeners(n: number): unknown;
  getMaxListeners(): number;
}

const kinds: [string, () => Api][] = [
  ['node:events EventEmitter', () => new EventEmitter()],
  ["the web build's Emitter", () => new Emitter()],
];

for (const [name, make] of kinds) {
  describe(`emitter: ${name}`, () => {
    it('should call listeners in order, prepended ones first, with the arguments, and say whether any listened', () => {
      const emitter = make();
      const calls: string[] = [];
      emitter.on('e', (a, b) => calls.push(`on ${String(a)} ${String(b)}`));
      emitter.addListener('e', () => calls.push('add'));
      emitter.prependListener('e', () => calls.push('first'));
      expect(emitter.emit('e', 1, 2)).to.equal(true);
      expect(emitter.emit('other')).to.equal(false);
      expect(calls).to.deep.equal(['first', 'on 1 2', 'add']);
      expect(emitter.listenerCount('e')).to.equal(3);
    });

    it('should call a once listener once, remove it before calling it, and keep it unwrapped in listeners()', () => {
      const emitter = make();
      const seen: number[] = [];
      const listener = (value: unknown) => seen.push(emitter.listenerCount('e') * 10 + Number(value));
      emitter.once('e', listener);
      emitter.prependOnceListener('e', listener);
      expect(emitter.listeners('e')).to.deep.equal([listener, listener]);
      expect(emitter.rawListeners('e')[0]).not.to.equal(listener);
      emitter.emit('e', 1);
      emitter.emit('e', 2);
      expect(seen).to.deep.equal([11, 1]);
      expect(emitter.listenerCount('e')).to.equal(0);
    });

    it('should remove a once listener by the function given, and calling its raw wrapper should remove it', () => {
      const emitter = make();
      const listener = () => undefined;
      emitter.once('e', listener);
      emitter.off('e', listener);
      expect(emitter.listenerCount('e')).to.equal(0);
      emitter.once('e', listener);
      const [wrapper] = emitter.rawListeners('e') as Listener[];
      wrapper?.call(emitter);
      expect(emitter.listenerCount('e')).to.equal(0);
    });

    it('should remove the most recently added registration of a listener added twice', () => {
      const emitter = make();
      const calls: string[] = [];
      const a = () => calls.push('a');
      const b = () => calls.push('b');
      emitter.on('e', a);
      emitter.on('e', b);
      emitter.on('e', a);
      emitter.removeListener('e', a);
      emitter.emit('e');
      expect(calls).to.deep.equal(['a', 'b']);
    });

    it('should finish an emit with the listeners it started with when one removes another', () => {
      const emitter = make();
      const calls: string[] = [];
      const second = () => calls.push('second');
      emitter.on('e', () => {
        calls.push('first');
        emitter.off('e', second);
      });
      emitter.on('e', second);
      emitter.emit('e');
      emitter.emit('e');
      expect(calls).to.deep.equal(['first', 'second', 'first']);
    });

    it("should let a listener's throw reach emit's caller", () => {
      const emitter = make();
      emitter.on('e', () => {
        throw new Error('listener failed');
      });
      expect(() => emitter.emit('e')).to.throw('listener failed');
    });

    it('should remove all listeners of one event or of every event', () => {
      const emitter = make();
      emitter.on('a', () => undefined);
      emitter.on('b', () => undefined);
      emitter.removeAllListeners('a');
      expect([emitter.listenerCount('a'), emitter.listenerCount('b')]).to.deep.equal([0, 1]);
      emitter.removeAllListeners();
      expect(emitter.listenerCount('b')).to.equal(0);
    });

    it('should keep the maximum listener count it is given, 10 by default', () => {
      const emitter = make();
      expect(emitter.getMaxListeners()).to.equal(10);
      emitter.setMaxListeners(3);
      expect(emitter.getMaxListeners()).to.equal(3);
    });

    it('should refuse a listener that is not a function', () => {
      expect(() => make().on('e', 'x' as unknown as Listener)).to.throw(TypeError);
    });
  });
}
