import { Badge, Box, Checkbox, Group, Paper, Skeleton, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { routeHref } from '../../../app/navigation/route.ts';
import { formatRelativeTime } from '../../../shared/utils/formatRelativeTime.ts';
import { percent, priorityColor, priorityTextColor, statusLabel, typeLabel } from '../utils/alertLabels.ts';
import type { InboxItem } from '../utils/inboxTypes.ts';
import classes from './AlertList.module.css';

const ROW_HEIGHT = 64;

export type AlertListHandle = { focusRow(index: number): void };

export type AlertListProps = {
  rows: InboxItem[];
  total: number;
  openId: string | null;
  focusedIndex: number;
  selected: ReadonlySet<string>;
  onToggleSelected: (id: string) => void;
  onFocusIndex: (index: number) => void;
  ensureRows: (index: number) => void;
  handleRef: Ref<AlertListHandle>;
  /** For "3 hours ago" labels. */
  now: number;
};

export const alertRowDomId = (id: string) => `alert-row-${id}`;

/** The inbox rows, virtualised (only what is on screen is in the DOM); j/k move a roving focus over them. */
export function AlertList({ rows, total, openId, focusedIndex, selected, onToggleSelected, onFocusIndex, ensureRows, handleRef, now }: AlertListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => ensureRows(last), [ensureRows, last]);

  const focusRow = (index: number) => {
    virtualizer.scrollToIndex(index, { align: 'auto' });
    // After the virtualiser has rendered the row.
    requestAnimationFrame(() => {
      const row = rows[index];
      if (row) document.getElementById(alertRowDomId(row.id))?.focus();
    });
  };
  useImperativeHandle(handleRef, () => ({ focusRow }));

  // Row elements are reused by position: when the rows reorder under a focused row, the keyboard focus
  // moves along with the alert it was on.
  useEffect(() => {
    const active = document.activeElement;
    const row = rows[focusedIndex];
    if (row && active instanceof HTMLElement && active.id.startsWith(alertRowDomId('')) && active.id !== alertRowDomId(row.id)) focusRow(focusedIndex);
  }, [rows, focusedIndex]);

  return (
    <Paper withBorder>
      <div ref={scrollRef} className={classes.scroller} role="list" aria-label={`${total} ${total === 1 ? 'alert' : 'alerts'}`}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const alert = rows[item.index];
            return (
              <div
                key={item.key}
                role="listitem"
                className={classes.slot}
                data-open={alert?.id === openId}
                data-focused={item.index === focusedIndex}
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {alert ? (
                  <>
                    <Checkbox
                      aria-label={`Select ${alert.contactName}’s ${alert.type} alert`}
                      checked={selected.has(alert.id)}
                      onChange={() => onToggleSelected(alert.id)}
                      tabIndex={-1}
                    />
                    <a
                      id={alertRowDomId(alert.id)}
                      className={classes.row}
                      href={routeHref('inbox', alert.id)}
                      tabIndex={item.index === focusedIndex ? 0 : -1}
                      onFocus={() => onFocusIndex(item.index)}
                      data-testid="alert-row"
                      aria-current={alert.id === openId ? 'true' : undefined}
                    >
                      <Box miw={0}>
                        <Group gap={6} wrap="nowrap">
                          <Badge size="sm" color={priorityColor(alert.priority)} c={priorityTextColor(alert.priority)} variant="filled" miw={70}>
                            {alert.priority}
                          </Badge>
                          <Text fw={alert.status === 'new' ? 700 : 500} truncate>
                            {alert.contactName}
                          </Text>
                        </Group>
                        <Text size="sm" c="dimmed" truncate>
                          {[alert.headline, alert.propertyAddress].filter(Boolean).join(' · ') || 'No reasons stored'}
                        </Text>
                      </Box>
                      <Box ta="right">
                        <Text size="sm" fw={600}>
                          {typeLabel(alert.type)} · {percent(alert.probability)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {statusLabel(alert.status)} · {formatRelativeTime(alert.createdAt, now) ?? ''}
                        </Text>
                      </Box>
                    </a>
                  </>
                ) : (
                  <Skeleton height={ROW_HEIGHT - 16} m={8} />
                )}
              </div>
            );
          })}
        </div>
      </div>
    </Paper>
  );
}
