#!/usr/bin/env python3
"""Generates a ledger (台账) of N rows for `redress import` (the gas-station pack):
   gen.py N OUT.csv [--bad K] [--mapping OUT.json]
Two rows in three are closed historical complaints, one in three is open; with
--bad, every K-th row is broken in one way (a rotation of the kinds of fault)."""
import csv, json, random, sys
from datetime import datetime, timedelta

def main():
    args = sys.argv[1:]
    n, out = int(args[0]), args[1]
    bad = int(args[args.index('--bad') + 1]) if '--bad' in args else 0
    mapping = args[args.index('--mapping') + 1] if '--mapping' in args else None
    rnd = random.Random(17)
    channels = ['电话', '来信', '来访', '网站', 'APP']
    units = ['SH-PD-01', 'SH-PD-02', 'SH-PD-03']
    cats = ['服务态度', '服务过失', '加油效率']
    natures = ['有效', '无效', '建议']
    faults = ['date', 'channel', 'nature', 'key', 'unit', 'closed_before']
    start = datetime(2025, 1, 1, 8, 0)
    with open(out, 'w', newline='', encoding='utf-8-sig') as f:
        w = csv.writer(f)
        w.writerow(['编号', '受理时间', '渠道', '客户姓名', '联系电话', '被投诉单位', '投诉类别', '投诉内容',
                    '结案时间', '性质', '是否及时'])
        for i in range(1, n + 1):
            rec = start + timedelta(minutes=(i * 7919) % (365 * 24 * 60))
            closed = i % 3 != 0
            cl = rec + timedelta(hours=rnd.randint(1, 200)) if closed else None
            row = ['TZ%07d' % i, rec.strftime('%Y/%m/%d %H:%M'), channels[i % 5], '客户%d' % i,
                   '138%08d' % i, units[i % 3], cats[i % 3], '台账第%d条：加油站服务问题，要求处理。' % i,
                   cl.strftime('%Y-%m-%d %H:%M') if cl else '', natures[(i // 3) % 3] if closed else '',
                   ('是' if i % 4 else '否') if closed else '']
            if bad and i % bad == 0:
                kind = faults[(i // bad) % len(faults)]
                if kind == 'date': row[1] = '2025-13-45'
                elif kind == 'channel': row[2] = '信鸽'
                elif kind == 'nature' and closed: row[9] = '不明'
                elif kind == 'nature': row[1] = 'yesterday'
                elif kind == 'key': row[0] = ''
                elif kind == 'unit': row[5] = 'NO-SUCH-UNIT'
                elif kind == 'closed_before':
                    row[8] = (rec - timedelta(days=1)).strftime('%Y-%m-%d %H:%M'); row[9] = '有效'; row[10] = '是'
            w.writerow(row)
    if mapping:
        json.dump({
            'key': '编号',
            'fields': {'received_at': '受理时间', 'channel': '渠道', 'customer.name': '客户姓名',
                       'customer.phone': '联系电话', 'subject_unit': '被投诉单位', 'category': '投诉类别',
                       'description': '投诉内容', 'closed_at': '结案时间', 'nature': '性质', 'on_time': '是否及时'},
            'values': {'channel': {'电话': 'phone', '来信': 'letter', '来访': 'walk_in', '网站': 'website', 'APP': 'app'},
                       'category': {'服务态度': 'service.attitude', '服务过失': 'service.fault', '加油效率': 'service.efficiency'},
                       'nature': {'有效': 'valid', '无效': 'invalid', '建议': 'suggestion'}},
            'defaults': {'customer.class': 'ordinary'},
            'formats': {'received_at': ['%Y/%m/%d %H:%M', '%Y年%m月%d日'], 'closed_at': '%Y-%m-%d %H:%M'},
        }, open(mapping, 'w'), ensure_ascii=False, indent=1)

main()
