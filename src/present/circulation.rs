//! A minimum-cost circulation with lower bounds and unit choices: the
//! solver behind [`present_table`](super::present_table).
//!
//! Each figure of a table is an arc carrying a forced number of units (its
//! floor, less its parts' floors) and, if it can rise, one optional unit.
//! Choosing the unit or not has a cost for each side; the cheaper side is
//! taken in advance, and the residual edge that undoes it costs the
//! difference, so every cost stays non-negative. The forced flows leave some
//! nodes with excess, routed from a super source to a super sink along
//! cheapest paths (successive shortest paths, Bellman-Ford).

/// What one figure's arc may do: rise one unit above its forced flow or
/// not, at a cost for each, or a fixed choice.
#[derive(Clone, Copy, Debug)]
pub(super) struct Choice {
    /// Whether the figure can rise (it is not an exact multiple of a step).
    pub can_rise: bool,
    /// A choice fixed in advance (a pin): `Some(true)` rises.
    pub fixed: Option<bool>,
    /// The cost of rising.
    pub cost_up: i128,
    /// The cost of not rising.
    pub cost_down: i128,
}

/// An arc of the circulation: a forced flow, and an optional unit above it.
pub(super) struct Arc {
    /// The residual edge of the optional unit, if the choice is open.
    edge: Option<usize>,
    /// Whether the unit was pushed in advance (rising is the cheaper side,
    /// or fixed), so that the edge holds its undoing.
    pre_taken: bool,
}

/// A residual edge.
struct Edge {
    to: usize,
    cap: i128,
    cost: i128,
}

/// A minimum-cost circulation with lower bounds, by successive shortest
/// paths (Bellman-Ford) between a super source and a super sink.
pub(super) struct Circulation {
    nodes: usize,
    edges: Vec<Edge>,
    out: Vec<Vec<usize>>,
    /// Flow each node must pass on (forced flows in less forced flows out).
    excess: Vec<i128>,
}

impl Circulation {
    pub(super) fn new(nodes: usize) -> Circulation {
        Circulation {
            nodes,
            edges: Vec::new(),
            out: (0..nodes + 2).map(|_| Vec::new()).collect(),
            excess: vec![0; nodes],
        }
    }

    fn edge(&mut self, from: usize, to: usize, cap: i128, cost: i128) -> Option<usize> {
        let i = self.edges.len();
        self.edges.push(Edge { to, cap, cost });
        self.edges.push(Edge {
            to: from,
            cap: 0,
            cost: cost.checked_neg()?,
        });
        self.out.get_mut(from)?.push(i);
        self.out.get_mut(to)?.push(i + 1);
        Some(i)
    }

    /// Moves `amount` of forced flow from `from` to `to`. `None` if a node
    /// is out of range or a sum overflows (neither can happen for the
    /// counts the table accepts: a defect).
    fn shift(&mut self, from: usize, to: usize, amount: i128) -> Option<()> {
        let e = self.excess.get_mut(from)?;
        *e = e.checked_sub(amount)?;
        let e = self.excess.get_mut(to)?;
        *e = e.checked_add(amount)?;
        Some(())
    }

    /// An arc from `from` to `to` carrying `forced` units and, as `choice`
    /// says, one more unit: fixed, or open at the difference of its costs.
    /// `None` on a defect (a node out of range, an overflowing sum).
    pub(super) fn arc(&mut self, from: usize, to: usize, forced: i128, choice: &Choice) -> Option<Arc> {
        self.shift(from, to, forced)?;
        if !choice.can_rise {
            return Some(Arc {
                edge: None,
                pre_taken: false,
            });
        }
        if let Some(up) = choice.fixed {
            if up {
                self.shift(from, to, 1)?;
            }
            return Some(Arc {
                edge: None,
                pre_taken: up,
            });
        }
        // Costs stay non-negative: the cheaper side is taken now, and
        // changing to the other costs the difference.
        let (a, b, pre_taken, cost) = if choice.cost_up < choice.cost_down {
            self.shift(from, to, 1)?;
            (to, from, true, choice.cost_down.checked_sub(choice.cost_up)?)
        } else {
            (from, to, false, choice.cost_up.checked_sub(choice.cost_down)?)
        };
        let edge = self.edge(a, b, 1, cost)?;
        Some(Arc {
            edge: Some(edge),
            pre_taken,
        })
    }

    /// Whether the optional unit of `arc` ended up taken.
    pub(super) fn taken(&self, arc: &Arc) -> bool {
        match arc.edge.and_then(|e| self.edges.get(e)) {
            Some(e) => (e.cap == 0) != arc.pre_taken,
            None => arc.pre_taken,
        }
    }

    /// Routes every node's excess from a super source to a super sink at
    /// least cost; `false` if it cannot all be routed.
    pub(super) fn solve(&mut self) -> bool {
        let (source, sink) = (self.nodes, self.nodes + 1);
        let mut need: i128 = 0;
        for (v, x) in self.excess.clone().into_iter().enumerate() {
            let ok = match x {
                x if x > 0 => {
                    let Some(n) = need.checked_add(x) else {
                        return false;
                    };
                    need = n;
                    self.edge(source, v, x, 0)
                }
                x if x < 0 => self.edge(v, sink, -x, 0),
                _ => Some(0),
            };
            if ok.is_none() {
                return false;
            }
        }
        while need > 0 {
            let Some(path) = self.shortest_path(source, sink) else {
                return false;
            };
            // A path has at least one edge; one with no room routes nothing.
            let Some(room) = path.iter().filter_map(|e| self.edges.get(*e).map(|e| e.cap)).min() else {
                return false;
            };
            let push = room.min(need);
            if push <= 0 {
                return false;
            }
            // `push` is at most every edge's room and at most `need`, so the
            // capacities and `need` stay within 0..=need: no overflow.
            for e in path {
                let Some(fwd) = self.edges.get_mut(e) else {
                    return false;
                };
                fwd.cap -= push;
                let Some(back) = self.edges.get_mut(e ^ 1) else {
                    return false;
                };
                back.cap += push;
            }
            need -= push;
        }
        true
    }

    /// The edges of a cheapest path with room from `source` to `sink`
    /// (Bellman-Ford: residual costs may be negative, never in a cycle).
    fn shortest_path(&self, source: usize, sink: usize) -> Option<Vec<usize>> {
        let n = self.nodes + 2;
        let mut dist: Vec<Option<i128>> = vec![None; n];
        let mut via: Vec<Option<usize>> = vec![None; n];
        *dist.get_mut(source)? = Some(0);
        for _ in 0..n {
            let mut changed = false;
            for (u, edges) in self.out.iter().enumerate() {
                let Some(du) = dist.get(u).copied().flatten() else {
                    continue;
                };
                for &ei in edges {
                    let e = self.edges.get(ei)?;
                    if e.cap <= 0 {
                        continue;
                    }
                    let d = du.saturating_add(e.cost);
                    let slot = dist.get_mut(e.to)?;
                    if slot.map_or(true, |old| d < old) {
                        *slot = Some(d);
                        *via.get_mut(e.to)? = Some(ei);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        dist.get(sink).copied().flatten()?;
        let mut path = Vec::new();
        let mut v = sink;
        while v != source {
            let e = via.get(v).copied().flatten()?;
            path.push(e);
            v = self.edges.get(e ^ 1)?.to;
            if path.len() > self.edges.len() {
                return None;
            }
        }
        path.reverse();
        Some(path)
    }
}
