import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesLabelName, seriesLabels } from '../../../agent/metrics/container-labels.js';

test('label keys become cAdvisor\'s container_label_ names: each character outside [a-zA-Z0-9_] is one _', () => {
  assert.equal(seriesLabelName('tier'), 'container_label_tier');
  assert.equal(seriesLabelName('com.docker.compose.project.working_dir'), 'container_label_com_docker_compose_project_working_dir');
  assert.equal(seriesLabelName('app.kubernetes.io/name'), 'container_label_app_kubernetes_io_name');
  assert.equal(seriesLabelName('a-b c=d'), 'container_label_a_b_c_d');
  assert.equal(seriesLabelName('café😀'), 'container_label_caf__', 'one _ per character, not per UTF-16 unit');
  assert.equal(seriesLabelName('9lives'), 'container_label_9lives', 'the prefix makes a leading digit valid');
});

test('all labels, sorted by series label name, empty values left out', () => {
  const labels = { 'z': '1', 'b.x': 'dot', 'a': '', 'B': 'upper' };
  assert.deepEqual(seriesLabels(labels, 'all'), [
    ['container_label_B', 'upper'], ['container_label_b_x', 'dot'], ['container_label_z', '1'],
  ]);
  assert.deepEqual(seriesLabels(undefined, 'all'), []);
  assert.deepEqual(seriesLabels({}, 'all'), []);
});

test('keys spelled alike once sanitized: the first in sort order is kept, so no series has a label twice', () => {
  const labels = { 'a_b': 'underscore', 'a.b': 'dot', 'a-b': 'dash' };
  // Sort order of the keys as given: "a-b" < "a.b" < "a_b".
  assert.deepEqual(seriesLabels(labels, 'all'), [['container_label_a_b', 'dash']]);
  assert.deepEqual(seriesLabels(labels, ['a_b', 'a.b']), [['container_label_a_b', 'dot']], 'among the listed keys only');
  // An empty value does not take the name from a later key that has one.
  assert.deepEqual(seriesLabels({ 'a-b': '', 'a.b': 'dot' }, 'all'), [['container_label_a_b', 'dot']]);
});

test('a list selects those keys (as given at create, before sanitizing) and ignores keys a container lacks', () => {
  const labels = { 'com.docker.compose.service': 'web', 'tier': 'front', 'secret-ish': 'x' };
  assert.deepEqual(seriesLabels(labels, ['tier', 'com.docker.compose.service', 'absent']), [
    ['container_label_com_docker_compose_service', 'web'], ['container_label_tier', 'front'],
  ]);
  assert.deepEqual(seriesLabels(labels, []), [], 'none');
  assert.deepEqual(seriesLabels(labels, ['com_docker_compose_service']), [], 'a sanitized spelling is not the key');
  assert.deepEqual(seriesLabels({ toString: 'own' }, ['toString', 'constructor']), [['container_label_toString', 'own']], 'own keys only');
});
