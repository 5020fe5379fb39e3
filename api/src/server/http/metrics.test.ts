import { describe, expect, it } from 'vitest';
import { checkMetricsConfig, isLoopbackHost } from './metrics';

describe('isLoopbackHost', () => {
  it('accepts loopback addresses only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.1', 'metrics.example.com', '127.0.0.1.example.com']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('checkMetricsConfig', () => {
  it('refuses METRICS_PORT on a non-loopback host without a token, and allows everything else', () => {
    expect(() => checkMetricsConfig({ token: null, port: 9464, host: '0.0.0.0' })).toThrow(/METRICS_HOST=0\.0\.0\.0/);
    expect(() => checkMetricsConfig({ token: 'secret', port: 9464, host: '0.0.0.0' })).not.toThrow();
    expect(() => checkMetricsConfig({ token: null, port: 9464, host: '127.0.0.1' })).not.toThrow();
    expect(() => checkMetricsConfig({ token: null, port: null, host: '0.0.0.0' })).not.toThrow();
  });
});
