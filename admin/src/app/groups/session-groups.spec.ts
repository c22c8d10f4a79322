import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buttonNamed,
  element,
  setUpConsole,
  settle,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { Group, GroupDetail } from '../core/api-types';
import { SessionGroups } from './session-groups';

const GROUP_JID = '120363025246125486@g.us';

const aGroup = (overrides: Partial<Group> = {}): Group => ({
  jid: GROUP_JID,
  subject: 'Support team',
  description: null,
  owner: '15550001111@s.whatsapp.net',
  participantsCount: 3,
  addressingMode: 'lid',
  announce: false,
  restrict: false,
  createdAt: '2026-01-01T10:00:00.000Z',
  ...overrides,
});

describe('SessionGroups', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  const groupsRequest = (q?: string) =>
    http.expectOne(
      (request) => request.url === '/api/v1/sessions/s-1/groups' && request.params.get('q') === (q ?? null),
    );

  async function render(groups: Group[]) {
    const fixture = TestBed.createComponent(SessionGroups);
    fixture.componentRef.setInput('sessionId', 's-1');
    await fixture.whenStable();
    groupsRequest().flush({ items: groups, total: groups.length });
    await settle(fixture);
    return fixture;
  }

  const rowTexts = (fixture: Awaited<ReturnType<typeof render>>) =>
    Array.from(element(fixture).querySelectorAll('tbody tr')).map((row) =>
      Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent?.replace(/\s+/g, ' ').trim()),
    );

  it('lists the groups with their members count, who may do what, and when they were created', async () => {
    const fixture = await render([
      aGroup(),
      aGroup({
        jid: '120363000000000001@g.us',
        subject: 'Announcements',
        announce: true,
        restrict: true,
        createdAt: null,
      }),
    ]);
    const [support, announcements] = rowTexts(fixture);
    expect(support.slice(0, 3)).toEqual([`Support team ${GROUP_JID}`, '3', 'Everyone sends and edits']);
    expect(support[3]).toContain('2026');
    expect(announcements.slice(2)).toEqual(['Only admins send messages · Only admins edit the group info', '—']);
  });

  it('searches the groups by subject from the first page', async () => {
    const fixture = await render([aGroup()]);
    type(fixture, 'Subject', ' team ');
    buttonNamed(fixture, 'Search groups').click();
    const request = groupsRequest('team');
    expect(request.request.params.get('offset')).toBe('0');
    request.flush({ items: [], total: 0 });
    await settle(fixture);
    expect(element(fixture).textContent).toContain('No group’s subject contains “team”.');
  });

  it('shows a group’s members with their phone-number JID, LID and role', async () => {
    const fixture = await render([aGroup()]);
    buttonNamed(fixture, 'Support team').click();
    await settle(fixture);
    expect(element(fixture).textContent).toContain('Loading the members…');
    const detail: GroupDetail = {
      ...aGroup({ description: 'Where the team talks' }),
      participants: [
        { pn: '15550001111@s.whatsapp.net', lid: '111111111111111@lid', role: 'superadmin' },
        { pn: null, lid: '222222222222222@lid', role: 'member' },
      ],
    };
    http.expectOne(`/api/v1/sessions/s-1/groups/${encodeURIComponent(GROUP_JID)}`).flush(detail);
    await settle(fixture);
    const heading = element(fixture).querySelector<HTMLElement>('#open-group-title');
    expect(heading?.textContent?.trim()).toBe('Support team');
    expect(document.activeElement).toBe(heading);
    expect(element(fixture).textContent).toContain('Where the team talks');
    const members = rowTexts(fixture).slice(0, 2);
    expect(members).toEqual([
      ['15550001111@s.whatsapp.net', '111111111111111@lid', 'Owner (superadmin)'],
      ['—', '222222222222222@lid', 'Member'],
    ]);

    buttonNamed(fixture, 'Close group').click();
    await settle(fixture);
    expect(element(fixture).querySelector('#open-group-title')).toBeNull();
    expect(document.activeElement).toBe(element(fixture).querySelector('#groups-title'));
  });

  it('explains groups that could not be loaded, such as a session that never read them', async () => {
    const fixture = TestBed.createComponent(SessionGroups);
    fixture.componentRef.setInput('sessionId', 's-1');
    await fixture.whenStable();
    groupsRequest().flush(
      { statusCode: 409, error: 'Conflict', message: 'Session s-1 is not connected' },
      { status: 409, statusText: 'Conflict' },
    );
    await settle(fixture);
    expect(element(fixture).textContent).toContain('The groups could not be loaded: Session s-1 is not connected');
  });
});
